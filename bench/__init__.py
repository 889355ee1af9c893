"""Benchmarks for Excel Chat: `python -m bench [--quick] [--only read,ingest,index,answer,load,memory]`."""
