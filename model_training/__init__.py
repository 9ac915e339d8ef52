"""Reproducible training pipeline for the bundled model: corpus building, augmentation, evaluation.

Nothing here is imported by the app at run time; it imports ``mguv_app`` (never the other way).
"""
