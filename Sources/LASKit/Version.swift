/// The toolkit's version, printed by `las --version`.
public let version = "0.1.0"
