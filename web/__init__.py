"""The shared web toolkit: errors, forms, query-string readers, the pager, formats, logging."""
