"""One reader per dataset; each turns a file (or tune) into a :class:`~model_training.songs.Song`
or a :class:`~model_training.songs.Rejected` with a reason. Readers run in worker processes."""
