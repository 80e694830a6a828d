import CLibSSH2
import Foundation
import RemoteCore

/// Logs in with the identities of an ssh-agent (at `socket`, else at `$SSH_AUTH_SOCK`), trying
/// each in turn.
struct SSHAgentAuth {
    let connection: SSHConnection
    let socket: String?

    func authenticate(until deadline: Deadline) throws {
        let config = connection.config
        guard socket != nil || ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"] != nil else {
            throw RemoteError(.authenticationFailed, host: config.label,
                              reason: "no key file given and no ssh-agent (SSH_AUTH_SOCK is not set)")
        }
        guard let agent = libssh2_agent_init(connection.session) else {
            throw RemoteError(.authenticationFailed, host: config.label, reason: "libssh2_agent_init failed")
        }
        if let socket { libssh2_agent_set_identity_path(agent, socket) }
        defer {
            libssh2_agent_disconnect(agent)
            libssh2_agent_free(agent)
        }
        guard libssh2_agent_connect(agent) == 0, libssh2_agent_list_identities(agent) == 0 else {
            throw RemoteError(.authenticationFailed, host: config.label,
                              reason: "cannot use ssh-agent: \(connection.lastFailure().message)")
        }
        var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
        var tried = 0
        while true {
            var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
            guard libssh2_agent_get_identity(agent, &identity, previous) == 0, let identity else { break }
            previous = identity
            tried += 1
            var rc: Int32
            repeat {
                rc = libssh2_agent_userauth(agent, config.user, identity)
                if rc == LIBSSH2_ERROR_EAGAIN && !connection.waitForSocket(until: deadline) && deadline.hasPassed {
                    throw RemoteError(.unreachable, host: config.label, reason: "agent authentication timed out")
                }
            } while rc == LIBSSH2_ERROR_EAGAIN
            if rc == 0 { return }
        }
        throw RemoteError(.authenticationFailed, host: config.label,
                          reason: "login as \(config.user) refused for all \(tried) ssh-agent identities")
    }
}
