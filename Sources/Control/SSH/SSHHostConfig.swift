import Foundation

/// What to do with a host key that known_hosts does not list.
public enum HostKeyPolicy: String, Sendable, Equatable, CaseIterable {
    /// Refuse hosts whose key is missing from known_hosts (the default).
    case strict
    /// Add a missing host's key to known_hosts and go on; a *different* key is still refused.
    case acceptNew = "accept-new"
}

/// How we prove who we are.
public enum SSHIdentity: Sendable, Equatable {
    /// A private key file (ed25519 or ECDSA; libssh2 1.10 cannot sign with RSA-SHA2). The public
    /// key is taken from `path.pub` when that exists. Unencrypted keys only.
    case keyFile(String)
    /// The identities of an ssh-agent, tried in turn: the agent listening on `socket`, or the
    /// one `$SSH_AUTH_SOCK` names when `socket` is nil.
    case agent(socket: String?)
}

/// Everything needed to reach one host over SSH.
public struct SSHHostConfig: Sendable, Equatable {
    /// The host's name, for messages and the inventory.
    public var name: String
    /// A host name or IP address.
    public var address: String
    public var port: Int
    /// The login user.
    public var user: String
    public var identity: SSHIdentity
    /// An OpenSSH known_hosts file that holds the host's key.
    public var knownHostsFile: String
    public var hostKeyPolicy: HostKeyPolicy
    /// Run every command on this host through `sudo -n` (unless the login is root).
    public var sudo: Bool
    /// How long connecting (TCP, then handshake and authentication, each) may take.
    public var connectTimeout: Duration
    /// Seconds between keepalive messages on an open session (0: none).
    public var keepaliveSeconds: Int
    /// At most this many channels open at once on the session; more commands wait their turn.
    /// Keep it below the server's `MaxSessions` (10 by default in OpenSSH).
    public var maxChannels: Int

    public init(name: String, address: String, port: Int = 22, user: String = "root",
                identity: SSHIdentity, knownHostsFile: String, hostKeyPolicy: HostKeyPolicy = .strict,
                sudo: Bool = false, connectTimeout: Duration = .seconds(5), keepaliveSeconds: Int = 15,
                maxChannels: Int = 8) {
        self.name = name
        self.address = address
        self.port = port
        self.user = user
        self.identity = identity
        self.knownHostsFile = knownHostsFile
        self.hostKeyPolicy = hostKeyPolicy
        self.sudo = sudo
        self.connectTimeout = connectTimeout
        self.keepaliveSeconds = keepaliveSeconds
        self.maxChannels = maxChannels
    }

    /// "n1 (10.77.0.1:22)": how errors name the host.
    public var label: String { name == address ? "\(address):\(port)" : "\(name) (\(address):\(port))" }
}
