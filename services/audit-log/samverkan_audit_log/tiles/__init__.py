"""The hash tree and the entries as C2SP tlog-tiles: static, cacheable resources."""
