"""sdkgen: generate typed Python SDKs for crypto exchanges from YAML endpoint specs."""

__version__ = "0.1.0"
