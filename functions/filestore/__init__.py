"""filestore: sign-up/login, per-user folders on S3, upload and download by one-time tokens (specs/filestore.md)."""
