"""lnupload: pay a Lightning invoice, then upload one file (specs/lnupload.md)."""
