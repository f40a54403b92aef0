"""Getting the council's files in: reading any shape of file, parsing values, the import
file specifications, validation, loading (upload and streamed), templates and the history."""
