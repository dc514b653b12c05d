"""The documents a certification body hands out: the audit report (HTML and PDF), the
certificate (PDF) and the register of certificates (XLSX or CSV), all from recorded results."""
