"""Resources of the Qonto client: one module per Qonto resource, sync and async classes."""
