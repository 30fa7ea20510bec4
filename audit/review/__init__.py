"""The editors' review: a local Flask app, a SQLite decision store and a label export."""
