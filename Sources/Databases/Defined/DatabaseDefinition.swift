import Workload

/// A database described by a YAML file (`database: {definition: databases/NAME.yml}`) rather
/// than by Swift code: how to install, configure, start, probe and talk to one member per node.
/// Read by `DatabaseDefinition.load`; driven by `DefinedDatabase` (hosts) and the adapter
/// clients (`AdapterClientFactory`). The README's "Database definitions" section is its manual.
///
/// Every text below is a `DefinitionTemplate` over a node's variables: `name`, `address`,
/// `index` (1-based), `nodes` (the cluster's size), `dir` (the node's folder,
/// `<base directory>/<definition name>`), `data` (`dir/data`, wiped at set-up), `log`
/// (`dir/<name>.log`, the process's output), `binary`, `ports.P`, `parameters.P` and `peers.L`.
public struct DatabaseDefinition: Sendable {
    /// The name reports, results and the node folder use (`dqlite`).
    public var name: String
    /// The definition file, and its folder (relative paths in it are resolved against the folder).
    public var file: String
    public var directory: String
    /// The file's text, kept with every run.
    public var text: String

    /// Where the program comes from.
    public enum Binary: Sendable, Equatable {
        /// Already on each host, at this absolute path.
        case onHost(String)
        /// A file on the controller, uploaded to `dir/bin/<file name>` on each host.
        case upload(localPath: String)
    }
    public var binary: Binary
    /// A command printing the program's version (run on each node's host), and the regular
    /// expression whose first group is the version (nil: the output's first line).
    public var versionCommand: DefinitionTemplate?
    public var versionPattern: String?

    /// Named ports, the same on every node (each node has its own address).
    public var ports: [String: Int]
    /// The parameters a spec may set (`database.parameters`), with their defaults.
    public var parameters: [String: String]
    /// Named peer lists: `each` rendered for every node `of` them, joined by `separator`.
    public var peers: [String: PeerList]
    /// Files written into the node's folder before its first start.
    public var files: [ConfigFile]
    /// The program's arguments.
    public var arguments: [Argument]
    public var environment: [String: DefinitionTemplate]
    /// What must succeed on the node's host before the member counts as started (nil: the leader
    /// query answering is enough).
    public var ready: Query?
    /// How each node says who leads.
    public var leader: LeaderQuery
    /// Between SIGTERM and SIGKILL at stop (nil: Faultline's default).
    public var stopGrace: Duration?
    /// How long set-up waits for every member to answer and a leader to be agreed, and a
    /// restarted member to answer (nil: Faultline's default, 30 s). Programs slow to start (a JVM
    /// on a loaded machine) need more.
    public var readyTimeout: Duration?
    /// Removed at set-up and tear-down besides `data`.
    public var wipe: [DefinitionTemplate]
    /// Files kept with each run besides `log`.
    public var logs: [DefinitionTemplate]
    /// Whether the program runs under libfaketime (clock faults), and how to read its clock.
    public var clock: ClockSection?
    /// How clients reach it.
    public var client: ClientSection
    /// How members are added and removed (the `membership` fault); nil: they cannot be.
    public var membership: MembershipSection?

    public struct PeerList: Sendable {
        public enum Members: String, Sendable, CaseIterable {
            /// Every node of the cluster.
            case all
            /// Every node but the one the template is rendered for.
            case others
            /// The first node only.
            case first
        }
        public var each: DefinitionTemplate
        public var separator: String
        public var of: Members
    }

    public struct ConfigFile: Sendable {
        /// Relative to the node's folder, or absolute under it.
        public var path: DefinitionTemplate
        public var content: DefinitionTemplate
    }

    /// One command-line argument, or a group given only to some starts: to the first node or
    /// to the others (a cluster whose first member bootstraps and the rest join it), or only
    /// when the cluster is founded at set-up or only when a member joins a running cluster
    /// (`membership`'s grow). A joining member is never given `first` arguments.
    public enum Argument: Sendable {
        case always(DefinitionTemplate)
        case firstOnly([DefinitionTemplate])
        case othersOnly([DefinitionTemplate])
        case foundingOnly([DefinitionTemplate])
        case joiningOnly([DefinitionTemplate])
    }

    /// A question asked on a node's own host.
    public enum Query: Sendable {
        /// A shell command; success is exit status 0, its stdout the answer.
        case command(DefinitionTemplate)
        /// A URL fetched with `curl -f`; success is a 2xx status, the body the answer.
        case http(DefinitionTemplate)
    }

    /// Where in an answer a value stands.
    public enum Extraction: Sendable {
        /// The whole answer, trimmed.
        case whole
        /// An RFC 6901 JSON pointer into the answer (`/leader`).
        case jsonPointer(String)
        /// The first group of a regular expression (or the whole match when it has none).
        case pattern(String)
    }

    public struct LeaderQuery: Sendable {
        public enum Meaning: String, Sendable, CaseIterable {
            /// The value names the leader: a node's name, address, `address:port` or URL.
            case leader
            /// The value says whether the node asked leads (`true`, `yes`, `1`, `leader`).
            case isLeader = "is-leader"
        }
        public var query: Query
        public var extraction: Extraction
        public var meaning: Meaning
    }

    public struct ClockSection: Sendable {
        /// Start the program with libfaketime preloaded and an offset file Faultline moves.
        public var faketime: Bool
        /// A query answering the program's wall clock, and where in it the milliseconds (or
        /// seconds, when below 10^11) since 1970 stand; nil: the offset is set but not measured.
        public var read: Query?
        public var readExtraction: Extraction
    }

    /// Membership changes, one member at a time, as commands run on a member's host (`via`)
    /// rendered with that member's variables; `add` and `remove` also see the node changed as
    /// `{{member.name}}` and `{{member.address}}`, and `remove` its `{{member.id}}`.
    public struct MembershipSection: Sendable {
        /// Lists the voting members of the configuration `via` has in effect.
        public var members: Query
        /// Matched against each line of the list: every matching line is a member. Its group
        /// `(?<member>…)` names a node (name, address, `address:port` or URL); its optional group
        /// `(?<id>…)` is what `remove` calls it.
        public var pattern: String
        /// Adds the node to the configuration; must succeed only once the change is committed
        /// (Faultline then also waits until `members` lists it). The node is started to join
        /// after it.
        public var add: DefinitionTemplate
        /// Removes the node from the configuration (the same contract); the node is then stopped
        /// and its data wiped.
        public var remove: DefinitionTemplate
    }

    public struct ClientSection: Sendable {
        /// The adapter's command line, run on the controller in the definition's folder.
        public var adapter: [String]
        /// What a request names as the node's address (default `{{address}}`).
        public var address: DefinitionTemplate
        public var workloads: Set<WorkloadSpec.Kind>
        /// The operations the adapter performs, per workload (nil: all of the workload's).
        public var operations: [WorkloadSpec.Kind: Set<String>]
        /// The read paths it understands (`read-paths`; default `[linearizable]`), and the one a
        /// spec naming none gets: the first listed.
        public var readPaths: Set<WorkloadSpec.ReadPath>
        public var defaultReadPath: WorkloadSpec.ReadPath
    }
}
