"""Operations: `bravely backup` and `bravely restore`.

archive.py is the backup file format (a tar.gz of manifest.json and the database payload), in
plain Python; database.py takes and restores the snapshot on SQLite or PostgreSQL. This app
imports no other part of Bravely, so a restore works whatever state the other apps are in.
"""
