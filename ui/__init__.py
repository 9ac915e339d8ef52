"""Everything Qt: the main window, the piano roll, panels and their adapters over ``mguv_app``."""
