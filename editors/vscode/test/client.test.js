// Runs editors/vscode/extension.js against a real `policy lsp`, with a stub of
// the `vscode` module that implements just what the extension uses.
//
//   node editors/vscode/test/client.test.js /path/to/policy
//
// Exits 0 when every check passes, 1 with a message otherwise (also after 20 s).
'use strict';

const assert = require('assert');
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const Module = require('module');

const TIMEOUT_MS = 20000;
const repository = path.resolve(__dirname, '..', '..', '..');
const extensionPath = path.resolve(__dirname, '..', 'extension.js');

function fail(message) {
  process.stderr.write(`FAIL: ${message}\n`);
  process.exit(1);
}

const watchdog = setTimeout(() => fail(`the test did not finish within ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS);

const policyArgument = process.argv[2];
if (!policyArgument) fail('usage: node editors/vscode/test/client.test.js /path/to/policy');
const policyBinary = path.resolve(policyArgument);
try {
  fs.accessSync(policyBinary, fs.constants.X_OK);
} catch (error) {
  fail(`${policyBinary} is not an executable: ${error.message}`);
}

// ---------------------------------------------------------------------------
// The stub of `vscode`

class Emitter {
  constructor() {
    this.listeners = [];
    this.event = (listener) => {
      this.listeners.push(listener);
      return new Disposable(() => {
        this.listeners = this.listeners.filter((other) => other !== listener);
      });
    };
  }
  fire(value) {
    for (const listener of [...this.listeners]) listener(value);
  }
}

class Disposable {
  constructor(callback) {
    this.callback = callback;
  }
  dispose() {
    if (this.callback) this.callback();
    this.callback = undefined;
  }
}

class Uri {
  constructor(scheme, fsPath) {
    this.scheme = scheme;
    this.fsPath = fsPath;
    this.path = fsPath;
  }
  static file(fsPath) {
    return new Uri('file', fsPath);
  }
  static parse(text) {
    const match = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(\/.*)?$/i.exec(text);
    assert.ok(match, `Uri.parse got ${text}`);
    return new Uri(match[1], decodeURIComponent(match[3] || '/'));
  }
  toString() {
    return `${this.scheme}://${this.fsPath.split('/').map(encodeURIComponent).join('/')}`;
  }
}

class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}

class Range {
  constructor(start, end) {
    assert.ok(start instanceof Position && end instanceof Position, 'Range takes two Positions');
    this.start = start;
    this.end = end;
  }
}

class Location {
  constructor(uri, range) {
    assert.ok(uri instanceof Uri, 'Location takes a Uri');
    this.uri = uri;
    this.range = range;
  }
}

const DiagnosticSeverity = { Error: 0, Warning: 1, Information: 2, Hint: 3 };

class Diagnostic {
  constructor(range, message, severity) {
    this.range = range;
    this.message = message;
    this.severity = severity === undefined ? DiagnosticSeverity.Error : severity;
  }
}

class DiagnosticRelatedInformation {
  constructor(location, message) {
    this.location = location;
    this.message = message;
  }
}

class MarkdownString {
  constructor(value) {
    this.value = value || '';
  }
  appendText(text) {
    this.value += text;
    return this;
  }
  appendMarkdown(text) {
    this.value += text;
    return this;
  }
}

class Hover {
  constructor(contents, range) {
    this.contents = Array.isArray(contents) ? contents : [contents];
    this.range = range;
  }
}

const CompletionItemKind = { Function: 2, Field: 4, Variable: 5, Value: 11, Keyword: 13, EnumMember: 19, Constant: 20 };

class CompletionItem {
  constructor(label, kind) {
    this.label = label;
    this.kind = kind;
  }
}

class TextEdit {
  constructor(range, newText) {
    this.range = range;
    this.newText = newText;
  }
  static replace(range, newText) {
    return new TextEdit(range, newText);
  }
}

const SymbolKind = { File: 0, Module: 1, Namespace: 2, Class: 4, Method: 5, Property: 6, Field: 7, Enum: 9, Function: 11, Variable: 12, Constant: 13 };

class DocumentSymbol {
  constructor(name, detail, kind, range, selectionRange) {
    assert.ok(range instanceof Range && selectionRange instanceof Range, 'DocumentSymbol takes Ranges');
    this.name = name;
    this.detail = detail;
    this.kind = kind;
    this.range = range;
    this.selectionRange = selectionRange;
    this.children = [];
  }
}

const events = {
  open: new Emitter(),
  change: new Emitter(),
  save: new Emitter(),
  close: new Emitter(),
  configuration: new Emitter(),
};
const settings = { 'server.path': policyBinary, 'server.language': 'auto' };
const channels = [];
const collections = [];
const providers = {};
const errorMessages = [];

function register(kind) {
  return (selector, provider, ...rest) => {
    assert.deepStrictEqual(selector, { language: 'policy' }, `${kind} is registered for the language policy`);
    providers[kind] = { provider, rest };
    return new Disposable();
  };
}

const workspaceRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-vscode-'));

const vscode = {
  Uri,
  Position,
  Range,
  Location,
  Diagnostic,
  DiagnosticSeverity,
  DiagnosticRelatedInformation,
  MarkdownString,
  Hover,
  CompletionItem,
  CompletionItemKind,
  TextEdit,
  DocumentSymbol,
  SymbolKind,
  Disposable,
  env: { language: 'en' },
  workspace: {
    workspaceFolders: [{ uri: Uri.file(workspaceRoot), name: 'policies', index: 0 }],
    textDocuments: [],
    getConfiguration(section) {
      assert.strictEqual(section, 'policy');
      return { get: (key, fallback) => (key in settings ? settings[key] : fallback) };
    },
    onDidOpenTextDocument: events.open.event,
    onDidChangeTextDocument: events.change.event,
    onDidSaveTextDocument: events.save.event,
    onDidCloseTextDocument: events.close.event,
    onDidChangeConfiguration: events.configuration.event,
  },
  window: {
    createOutputChannel(name) {
      const channel = { name, lines: [], appendLine: (line) => channel.lines.push(line), append: (text) => channel.lines.push(text), show() {}, dispose() {} };
      channels.push(channel);
      return channel;
    },
    showErrorMessage(message) {
      errorMessages.push(message);
      return Promise.resolve(undefined);
    },
  },
  languages: {
    createDiagnosticCollection(name) {
      const entries = new Map();
      const collection = {
        name,
        sets: 0,
        set(uri, diagnostics) {
          assert.ok(uri instanceof Uri, 'diagnostics are set for a Uri');
          entries.set(uri.toString(), diagnostics);
          collection.sets += 1;
        },
        get: (uri) => entries.get(uri.toString()),
        delete: (uri) => entries.delete(uri.toString()),
        clear: () => entries.clear(),
        dispose() {},
      };
      collections.push(collection);
      return collection;
    },
    registerHoverProvider: register('hover'),
    registerDefinitionProvider: register('definition'),
    registerCompletionItemProvider: register('completion'),
    registerDocumentFormattingEditProvider: register('formatting'),
    registerDocumentSymbolProvider: register('symbols'),
  },
};

// `require('vscode')` gives the stub.
const stubKey = path.join(__dirname, '__vscode_stub__.js');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? stubKey : resolve.call(this, request, ...rest);
};
const stubModule = new Module(stubKey);
stubModule.filename = stubKey;
stubModule.loaded = true;
stubModule.exports = vscode;
require.cache[stubKey] = stubModule;

// Every server the extension starts.
const spawned = [];
const spawn = childProcess.spawn;
childProcess.spawn = function (command, args, options) {
  const child = spawn.call(this, command, args, options);
  spawned.push({ command, args, options, child });
  return child;
};

// ---------------------------------------------------------------------------
// Helpers

class TextDocument {
  constructor(fsPath, text) {
    this.uri = Uri.file(fsPath);
    this.fileName = fsPath;
    this.languageId = 'policy';
    this.version = 1;
    this.text = text;
    this.isClosed = false;
  }
  getText() {
    return this.text;
  }
  edit(text) {
    this.text = text;
    this.version += 1;
    events.change.fire({ document: this, contentChanges: [{ text }] });
  }
}

const token = { isCancellationRequested: false, onCancellationRequested: () => new Disposable() };

function sleep(ms) {
  return new Promise((done) => setTimeout(done, ms));
}

async function waitFor(what, condition, ms = 10000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = condition();
    if (value) return value;
    if (Date.now() > deadline) {
      const log = channels.length ? channels[0].lines.join('\n') : '';
      throw new Error(`timed out waiting for ${what}\n--- output channel Policy ---\n${log}`);
    }
    await sleep(20);
  }
}

/** The position of `word` on the first line containing `marker` (plus `offset`). */
function positionOf(text, word, marker, offset = 1) {
  const lines = text.split('\n');
  const line = lines.findIndex((candidate) => candidate.includes(marker) && candidate.includes(word));
  assert.ok(line >= 0, `no line with ${marker}`);
  return new Position(line, lines[line].indexOf(word) + offset);
}

function flatten(symbols) {
  return symbols.flatMap((symbol) => [symbol, ...flatten(symbol.children || [])]);
}

// ---------------------------------------------------------------------------
// The checks

function checkFraming(extension) {
  const { FrameParser, frame } = extension;
  const text = frame({ jsonrpc: '2.0', method: 'x', params: { label: '监测对象' } });
  const length = Number(/Content-Length: (\d+)/.exec(text)[1]);
  assert.strictEqual(length, Buffer.byteLength(text.slice(text.indexOf('\r\n\r\n') + 4), 'utf8'), 'Content-Length counts UTF-8 bytes');
  assert.notStrictEqual(length, text.length - text.indexOf('\r\n\r\n') - 4, 'the test text has multi-byte characters');

  const received = [];
  const errors = [];
  const parser = new FrameParser((message) => received.push(message), (error) => errors.push(error));
  const bytes = Buffer.concat([
    Buffer.from(frame({ id: 1, result: '收入' })),
    Buffer.from(frame({ id: 2, result: null })),
    Buffer.from(frame({ id: 3, result: [1, 2] })),
  ]);
  // Byte by byte (splitting the header, the separator and the Chinese characters), then all at once.
  for (let index = 0; index < bytes.length; index += 1) parser.push(bytes.subarray(index, index + 1));
  parser.push(bytes);
  assert.deepStrictEqual(received.map((message) => message.id), [1, 2, 3, 1, 2, 3]);
  assert.strictEqual(received[0].result, '收入');
  assert.strictEqual(errors.length, 0);
}

async function main() {
  // A copy of policies/ (schema, sources, calendars) to open and change.
  fs.cpSync(path.join(repository, 'policies'), path.join(workspaceRoot, 'policies'), { recursive: true });
  const fengdu = path.join(workspaceRoot, 'policies', 'chongqing', 'fengdu', '2021.policy');
  const good = fs.readFileSync(fengdu, 'utf8');
  const bad = good.replace('income.business + income.wage +', 'income.business + income.wagee +');
  assert.notStrictEqual(bad, good, 'the misspelt field was not inserted');

  const document = new TextDocument(fengdu, bad);
  vscode.workspace.textDocuments.push(document); // open before activation

  const extension = require(extensionPath);
  checkFraming(extension);
  const context = { subscriptions: [] };
  extension.activate(context);

  // The server: settings, arguments, folder.
  assert.strictEqual(spawned.length, 1, 'activate starts one server');
  assert.strictEqual(spawned[0].command, policyBinary);
  assert.deepStrictEqual(spawned[0].args, ['lsp', '--lang', 'en']);
  assert.strictEqual(spawned[0].options.cwd, workspaceRoot);
  assert.strictEqual(channels.length, 1);
  assert.strictEqual(channels[0].name, 'Policy');
  assert.strictEqual(collections.length, 1);
  assert.strictEqual(collections[0].name, 'policy');
  for (const kind of ['hover', 'definition', 'completion', 'formatting', 'symbols']) {
    assert.ok(providers[kind], `no ${kind} provider registered`);
  }
  assert.ok(providers.completion.rest.includes('.'), 'completion is triggered by `.`');
  const collection = collections[0];

  // Diagnostics of the document open at activation: the misspelt field.
  const diagnostics = await waitFor('E0302 on the misspelt field', () => {
    const list = collection.get(document.uri) || [];
    return list.some((diagnostic) => diagnostic.code === 'E0302') && list;
  });
  const error = diagnostics.find((diagnostic) => diagnostic.code === 'E0302');
  assert.ok(error instanceof Diagnostic);
  assert.strictEqual(error.severity, DiagnosticSeverity.Error);
  assert.strictEqual(error.source, 'policy');
  assert.match(error.message, /wagee/);
  const expected = positionOf(bad, 'wagee', 'let total_income', 0);
  assert.ok(error.range instanceof Range);
  assert.deepStrictEqual(error.range.start, expected);
  assert.deepStrictEqual(error.range.end, new Position(expected.line, expected.character + 'wagee'.length));

  // A change to the fixed text clears it.
  document.edit(good);
  await waitFor('the diagnostics to clear after the fix', () => {
    const list = collection.get(document.uri);
    return list && list.length === 0;
  });

  // Hover on `monitoring_line`: its value.
  const hover = await providers.hover.provider.provideHover(document, positionOf(good, 'monitoring_line', 'let below_line'), token);
  assert.ok(hover instanceof Hover, `no hover: ${hover}`);
  const hoverText = hover.contents.map((part) => part.value).join('\n');
  assert.ok(hover.contents[0] instanceof MarkdownString);
  assert.ok(hoverText.includes('6000'), `the hover does not show 6000: ${hoverText}`);

  // Go to definition: the `param` line.
  const definitions = await providers.definition.provider.provideDefinition(document, positionOf(good, 'monitoring_line', 'let below_line'), token);
  assert.ok(Array.isArray(definitions) && definitions.length > 0, 'no definition');
  assert.ok(definitions[0] instanceof Location);
  assert.strictEqual(definitions[0].uri.fsPath, fengdu);
  assert.strictEqual(definitions[0].range.start.line, good.split('\n').findIndex((line) => line.startsWith('param monitoring_line')));

  // Completion after `income.`.
  const marker = 'let total_income = income.business + income.wage + income.property + income.transfer';
  assert.ok(good.includes(marker));
  const completing = good.replace(marker, `${marker} + income.`);
  document.edit(completing);
  const line = completing.split('\n').findIndex((candidate) => candidate.startsWith(marker));
  const items = await providers.completion.provider.provideCompletionItems(document, new Position(line, `${marker} + income.`.length), token, {});
  assert.ok(Array.isArray(items), 'completion gives a list');
  const wage = items.find((item) => item.label === 'wage');
  assert.ok(wage, `no wage in ${items.map((item) => item.label)}`);
  assert.ok(wage instanceof CompletionItem);
  assert.strictEqual(wage.kind, CompletionItemKind.Field);
  assert.ok(!items.some((item) => item.label === 'members'), 'members is not a field of income');

  // Formatting: a messy text gets one edit with `policy fmt`'s layout; formatted text none.
  const messy = good.replace('param monitoring_line = 6000 yuan/person/year', 'param   monitoring_line=6000 yuan / person / year');
  assert.notStrictEqual(messy, good);
  document.edit(messy);
  const edits = await providers.formatting.provider.provideDocumentFormattingEdits(document, { tabSize: 2, insertSpaces: true }, token);
  assert.ok(Array.isArray(edits) && edits.length === 1, `formatting gave ${JSON.stringify(edits)}`);
  assert.ok(edits[0] instanceof TextEdit && edits[0].range instanceof Range);
  assert.ok(edits[0].newText.includes('param monitoring_line = 6000 yuan/person/year'));
  document.edit(good);
  const none = await providers.formatting.provider.provideDocumentFormattingEdits(document, { tabSize: 2, insertSpaces: true }, token);
  assert.ok(Array.isArray(none) && none.length === 0, `formatted text gave edits: ${JSON.stringify(none)}`);

  // Document symbols, nested.
  const symbols = await providers.symbols.provider.provideDocumentSymbols(document, token);
  assert.ok(Array.isArray(symbols) && symbols.length > 0, 'no symbols');
  assert.ok(symbols.every((symbol) => symbol instanceof DocumentSymbol));
  const names = flatten(symbols).map((symbol) => symbol.name);
  for (const name of ['monitoring_line', 'marginal', 'unstable']) assert.ok(names.includes(name), `${name} not in ${names}`);

  // Opened later: a county of Hebei; saved: diagnostics again; closed: cleared.
  const laiyuan = new TextDocument(path.join(workspaceRoot, 'policies', 'hebei', 'laiyuan', '2022.policy'), '');
  laiyuan.text = fs.readFileSync(laiyuan.fileName, 'utf8');
  vscode.workspace.textDocuments.push(laiyuan);
  events.open.fire(laiyuan);
  await waitFor('diagnostics for a document opened after activation', () => collection.get(laiyuan.uri));
  const before = collection.sets;
  events.save.fire(document);
  await waitFor('diagnostics after a save', () => collection.sets > before);
  const plain = { uri: Uri.file(path.join(workspaceRoot, 'notes.txt')), languageId: 'plaintext', version: 1, getText: () => 'x' };
  events.open.fire(plain); // not a policy file: not sent
  events.close.fire(laiyuan);
  vscode.workspace.textDocuments.splice(vscode.workspace.textDocuments.indexOf(laiyuan), 1);
  await waitFor('the closed document to lose its diagnostics', () => !collection.get(laiyuan.uri) || collection.get(laiyuan.uri).length === 0);

  // A server that dies is restarted, and the open documents are sent to it again.
  document.edit(bad);
  await waitFor('E0302 again', () => (collection.get(document.uri) || []).some((diagnostic) => diagnostic.code === 'E0302'));
  const first = spawned[0].child;
  first.kill('SIGKILL');
  await waitFor('a restarted server', () => spawned.length === 2);
  assert.deepStrictEqual(spawned[1].args, ['lsp', '--lang', 'en']);
  await waitFor('E0302 from the restarted server', () =>
    collection.sets > 0 && (collection.get(document.uri) || []).some((diagnostic) => diagnostic.code === 'E0302'));
  const restartedHover = await providers.hover.provider.provideHover(document, positionOf(bad, 'monitoring_line', 'let below_line'), token);
  assert.ok(restartedHover && restartedHover.contents.map((part) => part.value).join('').includes('6000'), 'the restarted server does not answer');
  assert.ok(channels[0].lines.some((entry) => entry.includes('restarting')), 'the restart is not logged');
  assert.strictEqual(errorMessages.length, 0, `error messages shown: ${errorMessages}`);

  // A Chinese VS Code and changed settings: the server is stopped cleanly and
  // started again with `--lang zh`.
  vscode.env.language = 'zh-cn';
  events.configuration.fire({ affectsConfiguration: (section) => 'policy.server.language'.startsWith(section) });
  await waitFor('a server started with --lang zh', () => spawned.length === 3);
  assert.deepStrictEqual(spawned[2].args, ['lsp', '--lang', 'zh']);
  assert.strictEqual(spawned[1].child.exitCode, 0, 'the previous server did not end with status 0');
  await waitFor('E0302 in Chinese', () =>
    (collection.get(document.uri) || []).some((diagnostic) => diagnostic.code === 'E0302' && /[\u4e00-\u9fff]/.test(diagnostic.message)));

  // Deactivate: shutdown, exit, and the server ends with status 0.
  const server = spawned[2].child;
  await extension.deactivate();
  await waitFor('the server to end', () => server.exitCode !== null || server.signalCode !== null, 5000);
  assert.strictEqual(server.exitCode, 0, `the server ended with ${server.exitCode} ${server.signalCode}`);
  await sleep(100);
  assert.strictEqual(spawned.length, 3, 'a server was started after deactivate');
}

main().then(
  () => {
    clearTimeout(watchdog);
    fs.rmSync(workspaceRoot, { recursive: true, force: true });
    process.stdout.write('ok: the VS Code client drives `policy lsp`\n');
    process.exit(0);
  },
  (error) => {
    fs.rmSync(workspaceRoot, { recursive: true, force: true });
    for (const { child } of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fail(error && error.stack ? error.stack : String(error));
  },
);
