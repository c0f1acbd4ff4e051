"""`samverkan receipt verify`: a C2SP tlog-proof checked offline."""
