"""What contributors write, as data: the schema, reading the files, validating them, the model and its index."""
