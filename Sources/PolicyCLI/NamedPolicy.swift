import Interpreter

extension PolicyEngine {
    /// The policy a command line names (a file, or an id such as
    /// `hebei/laiyuan/2022`), loaded with a plan; nil after its errors and a
    /// line saying what to do are written on standard error.
    func loadNamed(_ written: String) -> (path: String, loaded: Loaded, plan: Plan)? {
        guard let path = workspace.locatePolicy(written) else {
            Terminal.err.write(Session.say("error: no policy `\(written)`: not a file, nor an id found as `\(written).policy` or `policies/\(written).policy`\n",
                                           "错误：找不到政策 `\(written)`：它不是文件，`\(written).policy` 和 `policies/\(written).policy` 也不存在\n"))
            return nil
        }
        let loaded = load(path: path)
        for diagnostic in loaded.diagnostics where diagnostic.severity == .error {
            Terminal.err.write(Session.render(diagnostic))
        }
        guard let plan = loaded.plan else {
            Terminal.err.write(Session.say("error: the policy `\(path)` has errors; run `policy check \(path)`\n",
                                           "错误：政策 `\(path)` 有错误，请运行 `policy check \(path)`\n"))
            return nil
        }
        return (path, loaded, plan)
    }
}
