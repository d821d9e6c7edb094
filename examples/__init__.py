"""Web applications that use the SDK the way a service in production should."""
