"""The people import: readers, columns, validation and the bulk write (see ``services``)."""
