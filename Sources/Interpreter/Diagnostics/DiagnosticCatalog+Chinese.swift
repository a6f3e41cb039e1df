import Lexer

extension DiagnosticCatalog {
    /// The Chinese texts of every diagnostic: message, label and help, as in
    /// the English catalogue. The code and severity are the English entry's.
    // swiftlint:disable:next cyclomatic_complexity function_body_length
    static func chinese(_ kind: DiagnosticKind) -> (message: String, label: String?, help: String?) {
        switch kind {
        // Files
        case .cannotReadFile(let path, let reason):
            return ("无法读取 `\(path)`：\(reason)", nil, nil)
        case .invalidUTF8(let path, let line, let column):
            return ("`\(path)` 不是 UTF-8 文本：第 \(line) 行第 \(column) 列有无法识别的字节", nil,
                    "请把文件另存为 UTF-8 编码")
        case .fileTooLarge(let path, let limit):
            return ("`\(path)` 超过 \(limit) 字节", nil, nil)
        case .outsidePoliciesRoot(let path, let target, let root):
            return ("`\(path)` 指向政策根目录 `\(root)` 之外（指向 `\(target)`），拒绝读取", nil,
                    "政策只读取其政策根目录（含有 `schema/` 的文件夹）下的文件；请用文件本身替换这个符号链接")

        // Lexical
        case .unexpectedCharacter(let scalar):
            let ascii = asciiEquivalent(of: scalar)
            return ("代码中不能出现字符 `\(scalar)`（U+\(hex(scalar))）",
                    ascii.map { "您是不是要写 `\($0)`？" },
                    ascii != nil ? "代码中的标点要用英文（ASCII）标点；全角标点只能写在字符串和注释里" : nil)
        case .typographicQuote(let scalar):
            return ("字符串要用英文双引号 `\"`，这里用的是 `\(scalar)`", "改为 `\"`",
                    "字符串写在两个英文双引号之间：\"村民代表会议\"")
        case .invisibleCharacter(let scalar):
            return ("代码中有不可见字符 U+\(hex(scalar))", "删除这个字符",
                    "零宽字符和改变文字方向的字符只能出现在字符串和注释里")
        case .unterminatedString:
            return ("字符串在本行没有结束", "补上结尾的 `\"`", "字符串必须在开始的那一行内结束")
        case .invalidEscape(let text):
            return ("字符串中的转义 `\(text)` 无效", nil,
                    "可用的转义有 \\\" \\\\ \\n \\t \\r 和 \\u{十六进制数}")
        case .numberTooLong:
            return ("数字超过 40 个字符", nil, nil)

        // Syntax
        case .expected(let what, let found):
            return ("此处应为 \(what)，实际是 \(found)", nil, nil)
        case .expectedDeclaration(let found):
            return ("此处应为一条声明，实际是 \(found)", nil,
                    "声明以 policy、schema、param、let、category、exclude、exception、monitored、eliminate、enum 或 record 开头")
        case .unclosedBlock(let opener):
            return ("\(opener) 的 `{` 没有闭合", "这个代码块", "在代码块末尾加上 `}`")
        case .nestingTooDeep(let limit):
            return ("表达式嵌套超过 \(limit) 层", nil, nil)
        case .duplicateClause(let clause):
            return ("`\(clause)` 写了两次", "第二个 `\(clause)`", nil)
        case .missingClause(let clause, let declaration):
            return ("\(declaration) 缺少 `\(clause)` 子句", nil, nil)
        case .tooManyErrors(let limit):
            return ("错误超过 \(limit) 个，不再继续检查", nil, nil)
        case .pathInsteadOfID(let found):
            return ("此处应为 id，却写了文件路径 \(found)", "应为 id，例如 `hebei/2022`",
                    "`extends`、`schema` 和 `calendar` 用 id 指明政策根目录下的文件；不接受绝对路径、`.`、`..` 和加引号的路径")

        // Names
        case .unknownName(let name, let suggestion):
            return ("未知的名称 `\(name)`", suggestion.map { "您是不是要写 `\($0)`？" },
                    "名称可以是参数、`let` 值、记录字段、`any`/`all`/… 中的变量，或 `today` 等内置名称")
        case .unknownField(let field, let container, let suggestion, let available):
            return ("`\(container)` 中没有字段 `\(field)`", suggestion.map { "您是不是要写 `\($0)`？" },
                    available.isEmpty ? nil : "`\(container)` 的字段有：\(available.joined(separator: "、"))")
        case .duplicateDeclaration(let name):
            return ("`\(name)` 被声明了不止一次", nil, "每个参数、值、规则和条件都要有自己的名称")
        case .unknownEnumMember(let member, let enumeration, let suggestion, let available):
            return ("`\(member)` 不是 `\(enumeration)` 的可选值", suggestion.map { "您是不是要写 `\($0)`？" },
                    "`\(enumeration)` 的可选值有：\(available.joined(separator: "、"))")
        case .schemaNotFound(let id, let nearest, let extraRoots):
            let extra = extraRoots.isEmpty ? "" : "，然后在 \(extraRoots.map { "`\($0)`" }.joined(separator: "、")) 中查找"
            return ("找不到数据模式 `\(id)`", nil,
                    "已在 `\(nearest)` 及其上级文件夹（直到政策根目录）中查找 `schema/\(id).policy`\(extra)")
        case .unknownFunction(let name, let suggestion):
            return ("未知的函数 `\(name)`", suggestion.map { "您是不是要写 `\($0)`？" }, nil)
        case .cyclicDefinition(let names):
            return ("`\(names.first ?? "")` 的定义用到了它自己：\(names.joined(separator: " → "))", nil,
                    "一个值只能用不依赖于它的值来计算")
        case .unknownType(let name, let suggestion):
            return ("未知的类型 `\(name)`", suggestion.map { "您是不是要写 `\($0)`？" },
                    "类型有 text、bool、date、int、number、单位（如 yuan 或 yuan/year）、enum、record，或其中之一的 `list of`")
        case .reservedName(let name):
            return ("`\(name)` 是内置名称，不能再声明", nil, nil)

        // Types and units
        case .operandMismatch(let operation, let left, let right):
            return ("`\(operation)` 不能用于 \(left) 和 \(right)", nil, nil)
        case .unitMismatch(let operation, let left, let right):
            return ("单位不一致：`\(operation)` 的两边是 \(left) 和 \(right)", nil,
                    "两边的单位必须相同；在数字后写上单位，例如 `6000 yuan/person/year`")
        case .conditionNotBoolean(let found):
            return ("条件的结果必须是真或假（true 或 false），实际是 \(found)", nil, nil)
        case .argumentMismatch(let function, let expected, let found):
            return ("`\(function)` 需要 \(expected)，实际是 \(found)", nil, nil)
        case .argumentCount(let function, let expected, let found):
            return ("`\(function)` 需要 \(expected)，实际给了 \(found) 个参数", nil, nil)
        case .notAList(let found):
            return ("此处应为列表，实际是 \(found)", nil, nil)
        case .notARecord(let found, let field):
            return ("不能从 \(found) 中取字段 `\(field)`", nil, nil)
        case .unknownUnit(let word):
            return ("未知的单位 `\(word)`", nil,
                    "单位有 yuan（元）、person（人）、year（年）、month（月）、day（天）、working day（工作日）、week（周）及其复数形式")
        case .invalidLiteral(let kind, let text):
            return ("`\(text)` 不是有效的 \(kind)", nil, nil)
        case .parameterNotConstant(let name):
            return ("参数 `\(name)` 不能随户而变", nil, "由户的记录计算出来的值请用 `let`")
        case .quantifierBody(let kind, let problem):
            let text: String
            switch problem {
            case .needsCondition(let variable): text = "缺少条件：`\(kind)(\(variable) in …: 条件)`"
            case .whereAndColon: text = "`where` 和 `:` 只能用一个"
            case .needsValue(let variable): text = "缺少要相加的值：`\(kind)(\(variable) in …: \(variable).amount)`"
            case .needsNumbers(let found): text = "需要数值，这里是 \(found)"
            }
            return ("`\(kind)(…)`：\(text)", nil, nil)
        case .mixedList(let first, let other):
            return ("列表中混有 \(first) 和 \(other)", nil, nil)
        case .branchMismatch(let then, let otherwise):
            return ("两个分支得出的类型不同：\(then) 和 \(otherwise)", nil, nil)
        case .overflowInConstant:
            return ("数字太大", nil, nil)

        // Structure
        case .missingHeader:
            return ("文件没有 `policy` 或 `schema` 文件头", nil,
                    "文件应以 `policy region/county/year { … }` 开头")
        case .missingHeaderClause(let clause):
            return ("文件头缺少 `\(clause)`", nil, nil)
        case .duplicateHeader:
            return ("一个文件只能有一个文件头", nil, nil)
        case .singleDeclaration(let what):
            return ("一个政策最多只能有一个 `\(what)`", nil, nil)
        case .noCategories:
            return ("政策没有声明任何 `category`", nil,
                    "户要按其中一个类别纳入监测；请至少声明一个类别")
        case .declarationNotAllowed(let declaration, let file):
            return ("`\(declaration)` 不能写在 \(file) 文件中", nil, nil)
        case .monitoredCategoryMismatch(let members, let enumeration):
            let names = members.map { "`\($0)`" }.joined(separator: "、")
            return ("`\(enumeration)` 中的 \(names) 不是本政策的类别", nil,
                    "`monitored` 的 `category` 必须给出本政策的类别之一")
        case .invalidYear(let text):
            return ("年份 `\(text)` 无效", nil, nil)
        case .missingRootRecord(let name):
            return ("数据模式没有声明记录 `\(name)`", nil,
                    "数据模式 `\(name)/vN` 描述的是名为 `\(name)` 的记录")

        case .calendarNotFound(let id, let nearest):
            return ("找不到日历 `\(id)`", nil,
                    "已在 `\(nearest)` 及其上级文件夹（直到政策根目录）中查找 `calendar/\(id)/YEAR.policy`")
        case .calendarDayOutsideYear(let date, let year):
            return ("`\(date)` 不在该日历的 \(year) 年内，也不紧挨着这一年", nil, nil)
        case .calendarConflict(let date):
            return ("`\(date)` 同时被声明为节假日和工作日", nil, nil)
        case .workdayNotWeekend(let date):
            return ("`\(date)` 是周一至周五中的一天；只有周六、周日才需要声明为调休上班", nil,
                    "周一至周五本来就是工作日，除非声明为节假日")
        case .workingDaysWithoutCalendar:
            return ("计算工作日需要日历", nil,
                    "在文件头加上 `calendar cn`：法定节假日和调休上班的周末取自 `calendar/cn/`")
        case .noBasePolicy(let id):
            return ("找不到被继承的政策 `\(id)`", nil,
                    "政策 `\(id)` 就是 `policies/` 下的文件 `\(id).policy`")
        case .extendsCycle(let ids):
            return ("政策之间循环继承：\(ids.joined(separator: " → "))", nil, nil)
        case .overrideWithoutBase(let what):
            return ("`\(what)` 需要有被继承的政策", nil,
                    "在文件头加上 `extends ID`，例如 `policy hebei/laiyuan/2022 extends hebei/2022 { … }`")
        case .nothingToOverride(let what, let base):
            return ("`\(base)` 中没有可修改的 \(what)", nil,
                    "`override` 和 `remove` 用来修改被继承政策中声明的内容；新增的项目直接声明，不要加这两个词")
        case .alreadyInBase(let what, let base, let place):
            return ("\(what) 已在 `\(base)` 中声明过（\(place)）", nil,
                    "如要替换被继承政策中的声明，请在前面写上 `override`；否则请换一个名称")
        case .schemaDiffersFromBase(let schema, let base):
            return ("数据模式 `\(schema)` 与被继承政策的 `\(base)` 不同", nil, nil)
        case .unknownDecision(let name):
            return ("`\(name)` 不是判定结果", nil,
                    "判定结果有 include、exclude、not_eligible、continue、eliminate、remove 和 needs_data")
        case .unknownStep(let name):
            return ("前面没有名为 `\(name)` 的步骤，无法与之同时进行", nil, nil)
        case .eventWithoutDate(let list):
            return ("`\(list)` 的元素没有 `date` 字段，无法确定预警从哪一天起算", nil, nil)
        case .invalidMonthRange(let text):
            return ("月份 `\(text)` 无效", nil, "月份为 1 到 12，例如 `during 9..10`")
        case .alertWithoutDepartment(let name):
            return ("预警 `\(name)` 没有写明推送（`to`）给哪个部门", nil, nil)
        case .duplicateOtherwise:
            return ("只能有一个频次标为 `otherwise`，而且要放在最后", nil, nil)
        case .testHouseholdInvalid(let message):
            return ("测试中的户：\(message)", nil,
                    "测试中的户是数据模式中的一条记录，写作 `{ field: value … }`")
        case .unknownTestName(let what, let name, let suggestion):
            return ("政策中没有 \(what) `\(name)`", nil, suggestion.map { "您是不是要写 `\($0)`？" })

        // Records
        case .recordSyntax(let message):
            return ("记录无法读取：\(message)", nil, nil)
        case .missingRequiredField(let path):
            return ("缺少必填字段 `\(path)`", nil, nil)
        case .wrongFieldType(let path, let expected, let found):
            return ("`\(path)` 应为 \(expected)，实际是 \(found)", nil, nil)
        case .unknownEnumValue(let path, let value, let allowed):
            return ("`\(path)` 的值 `\(value)` 不是可选值", nil,
                    "可选值：\(allowed.joined(separator: "、"))")
        case .tooManyDecimals(let path, let value):
            return ("`\(path)` 的小数超过两位：`\(value)`", nil, nil)
        case .invalidDate(let path, let value):
            return ("`\(path)` 不是有效的 `YYYY-MM-DD` 日期：`\(value)`", nil, nil)
        case .duplicateHouseholdID(let id, let firstLine):
            return ("户编号 `\(id)` 已在第 \(firstLine) 行用过", nil, nil)
        case .csvRowShape(let expected, let found):
            return ("这一行有 \(found) 个单元格，表头有 \(expected) 个", nil, nil)
        case .valueOutOfRange(let path, let value, let bounds):
            return ("`\(path)` 为 `\(value)`，超出范围 \(bounds)", nil, nil)
        case .emptyList(let path):
            return ("`\(path)` 不能为空", nil, nil)
        case .inconsistentHouseholdColumn(let column, let values):
            return ("同一户的各行中，`\(column)` 列的值不一致：\(values.map { "`\($0)`" }.joined(separator: "、"))", nil, nil)
        case .notAnObject(let path, let found):
            return ("`\(path)` 应为对象（`{ … }`），实际是 \(found)", nil, nil)
        case .numberOutOfRange(let path, let value):
            return ("`\(path)` 的数值超出范围：`\(value)`", nil, nil)
        case .dataCheckFailed(let path, let check, let message, _):
            return ("`\(path)`：\(message)（\(check)）", nil, nil)
        case .duplicateKey(let path):
            return ("键 `\(path)` 出现了不止一次", nil, nil)
        case .unknownKey(let path):
            return ("未知的键 `\(path)`，已忽略", nil, "数据模式没有声明这个键；请检查拼写")
        case .unknownColumn(let column):
            return ("未知的列 `\(column)`，已忽略", nil, nil)
        case .regionOutsidePolicy(let household, let policy, let id):
            return ("该户位于 \(household)，不在 `\(id)` 的适用地区（\(policy)）内", nil,
                    "请检查所选的政策，或用 `--policies` 为每户选择适用的政策")

        // Lint
        case .unusedValue(let kind, let name):
            return ("\(kind) `\(name)` 没有被用到", nil, "删除它，或在原本要用它的规则中用上它")
        case .parameterWithoutSource(let name):
            return ("参数 `\(name)` 既没有出处原文，也没有说明假设", nil,
                    "用 `source \"…\"` 引用给出这个数字的原文，或用 `assumption \"…\"` 说明它从哪里来")
        case .literalInRule(let text):
            return ("数额 `\(text)` 直接写在了规则里", nil,
                    "请把它声明为 `param` 并注明出处原文，这样明年调整时只需改一行")
        case .categoryNeverMatches(let name, let earlier):
            return ("类别 `\(name)` 永远不会命中：排在它前面的 `\(earlier)` 总是先成立", nil,
                    "类别按顺序逐个判断，第一个成立的类别生效")
        case .overrideSameAsBase(let what):
            return ("对 \(what) 的 override 没有改变任何内容", nil,
                    "它与被继承政策中的写法相同；请删除这个 override")
        case .metadataDisagreesWithPath(let what, let written, let expected, let from):
            return ("\(what) `\(written)` 与 \(from) 不一致，按后者应为 `\(expected)`", nil,
                    "政策的 id 是它在 `policies/` 下的路径（去掉 `.policy`）；年份是 id 的最后一段")
        case .untested(let what):
            return ("没有测试覆盖 \(what)", nil,
                    "添加一个 `test`，让其中的户使它成立（或起阻止作用、或触发）；`policy test --coverage` 会列出所有这类项目")
        case .noTests(let id):
            return ("政策 `\(id)` 没有测试", nil,
                    "添加 `test` 声明：按出处原文中的句子构造户，并写明它们应得到的判定结果")
        case .testAssertsNothing(let name):
            return ("测试 `\(name)` 只检查该户能否完成评估，没有写任何预期", nil,
                    "写明政策应作出的判定：`expect decision …`、`expect category …`、`expect alert …`")
        case .mixedScripts(let name, let scripts):
            return ("名称 `\(name)` 混用了多种文字（\(scripts)）", nil,
                    "一个名称只用一种文字书写：不同文字中看起来一样的字母组成的是不同的名称")
        case .confusableNames(let name, let other):
            return ("名称 `\(name)` 和 `\(other)` 看起来很像", nil,
                    "全角字母以及其他文字中形状相像的字母组成的是不同的名称；请将其中一个改名")
        case .yearGap(let region, let missing, let before, let after):
            return ("\(region) 有 \(before) 年和 \(after) 年的政策，但没有 \(missing) 年的", nil,
                    "请补上缺少年份的政策（可以 `extends` 上一年的政策，只改动有变化的部分）")

        // Evaluation
        case .arithmeticOverflow(let place):
            return ("计算 `\(place)` 时数值过大（溢出）", nil, nil)
        case .divisionByZero(let place):
            return ("计算 `\(place)` 时除数为零", nil, nil)
        case .dateOutOfRange(let place):
            return ("计算 `\(place)` 时日期超出范围", nil, nil)
        case .dateNotInCalendar(let date, let calendar):
            return ("`\(calendar)` 的日历都没有覆盖 \(date)：无法计算工作日", nil,
                    "请添加该年的法定节假日文件 `calendar/\(calendar)/YEAR.policy`")
        case .noPolicyForRegion(let region, let year, let folder):
            return ("`\(folder)` 中没有覆盖 \(region)、年份不晚于 \(year) 年的政策", nil,
                    "政策的 `region` 是户所在地区的开头部分、且其 `year` 不晚于评估基准日时，该政策适用于这户")

        // Provenance
        case .quoteNotInSource(let document):
            return ("在 `\(document)` 中找不到所引用的句子", nil,
                    "请逐字引用原文；`…` 可以代表省略的文字")
        case .sourceDocumentNotFound(let document):
            return ("找不到出处文件 `\(document)`；引文未经核对", nil, nil)
        case .quoteWithoutDocument:
            return ("引文未经核对：没有指明出处文件", nil,
                    "请在文件头写明出处（`source \"文件名.txt\"`，即 `sources/` 下的文件），或在引文后写 `from \"文件名.txt\"`")
        }
    }
}
