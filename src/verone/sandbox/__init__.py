"""The local Qonto simulator."""
