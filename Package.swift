// swift-tools-version: 6.0
import PackageDescription

// Foundation only: the product and its tests depend on no other package.
let package = Package(
    name: "policy",
    products: [
        .library(name: "Lexer", targets: ["Lexer"]),
        .library(name: "Interpreter", targets: ["Interpreter"]),
        .executable(name: "policy", targets: ["PolicyCLI"]),
    ],
    targets: [
        .target(name: "Lexer"),
        .target(name: "Interpreter", dependencies: ["Lexer"]),
        .executableTarget(name: "PolicyCLI", dependencies: ["Interpreter"]),
        .testTarget(name: "LexerTests", dependencies: ["Lexer"]),
        .testTarget(name: "InterpreterTests", dependencies: ["Interpreter"]),
        .testTarget(name: "PolicyCLITests", dependencies: ["PolicyCLI", "Interpreter"]),
    ],
    swiftLanguageModes: [.v6]
)
