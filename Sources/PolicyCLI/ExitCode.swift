/// The exit statuses of `policy`, one meaning each.
enum ExitCode: Int32 {
    /// Done, and nothing wrong found.
    case success = 0
    /// A policy has errors, or an input could not be read.
    case failure = 1
    /// The command line itself is wrong.
    case usage = 2
    /// `policy eval`: every record has its result, but some have decision `error`.
    case recordErrors = 3
}
