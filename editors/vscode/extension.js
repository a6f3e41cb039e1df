// A small language client for `policy lsp`, with no dependencies: it starts
// the server, speaks JSON-RPC 2.0 with `Content-Length` framing on its
// standard input and output, and maps what it answers to VS Code's API.
'use strict';

const vscode = require('vscode');
const childProcess = require('child_process');

const LANGUAGE = 'policy';
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60 * 1000;
const SHUTDOWN_TIMEOUT_MS = 2000;

let output;
let diagnostics;
let client;
let deactivated = false;

// ---------------------------------------------------------------------------
// Framing

/** Splits a byte stream into `Content-Length`-framed bodies. */
class FrameParser {
  constructor(onMessage, onError) {
    this.buffer = Buffer.alloc(0);
    this.onMessage = onMessage;
    this.onError = onError;
  }

  push(chunk) {
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const match = /(?:^|\r\n)content-length[ \t]*:[ \t]*(\d+)[ \t]*(?:\r\n|$)/i.exec(header);
      if (!match) {
        // Skip the bad header and read on.
        this.buffer = this.buffer.subarray(headerEnd + 4);
        this.onError(new Error(`bad message header from the server: ${JSON.stringify(header)}`));
        continue;
      }
      const length = Number(match[1]);
      const start = headerEnd + 4;
      if (this.buffer.length - start < length) return;
      const body = this.buffer.subarray(start, start + length).toString('utf8');
      this.buffer = this.buffer.subarray(start + length);
      let message;
      try {
        message = JSON.parse(body);
      } catch (error) {
        this.onError(new Error(`the server sent a message that is not JSON: ${error.message}`));
        continue;
      }
      this.onMessage(message);
    }
  }
}

/** A message with its header, the length counted in UTF-8 bytes. */
function frame(message) {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
}

// ---------------------------------------------------------------------------
// Settings

function configuration() {
  const settings = vscode.workspace.getConfiguration('policy');
  const command = settings.get('server.path') || 'policy';
  let language = settings.get('server.language');
  if (language !== 'zh' && language !== 'en') {
    language = String((vscode.env && vscode.env.language) || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
  }
  return { command, args: ['lsp', '--lang', language] };
}

function workspaceFolder() {
  const folders = vscode.workspace.workspaceFolders;
  return folders && folders.length > 0 ? folders[0] : undefined;
}

function log(text) {
  if (output) output.appendLine(`[${new Date().toISOString()}] ${text}`);
}

// ---------------------------------------------------------------------------
// The client

class Client {
  constructor() {
    this.process = undefined;
    this.nextId = 1;
    this.pending = new Map();
    this.queue = [];
    this.running = false; // initialized: messages go out at once
    this.stopping = false;
    this.restarts = [];
    this.opened = new Set();
  }

  start() {
    const { command, args } = configuration();
    const folder = workspaceFolder();
    const cwd = folder ? folder.uri.fsPath : undefined;
    log(`starting ${command} ${args.join(' ')}${cwd ? ` in ${cwd}` : ''}`);
    let child;
    try {
      child = childProcess.spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (error) {
      this.failedToStart(command, error);
      return;
    }
    this.process = child;
    this.running = false;
    this.queue = [];
    this.opened = new Set();
    const parser = new FrameParser(
      (message) => this.receive(message),
      (error) => log(error.message),
    );
    child.stdout.on('data', (chunk) => parser.push(chunk));
    child.stderr.on('data', (chunk) => {
      const text = chunk.toString('utf8').replace(/\s+$/, '');
      if (text) log(`server: ${text}`);
    });
    child.stdin.on('error', (error) => log(`writing to the server failed: ${error.message}`));
    let ended = false;
    const end = (code, signal, error) => {
      if (ended) return;
      ended = true;
      this.ended(child, code, signal, error);
    };
    child.on('error', (error) => {
      if (error && error.code === 'ENOENT') {
        this.failedToStart(command, error);
        end(null, null, error);
      } else {
        log(`server error: ${error.message}`);
      }
    });
    child.on('exit', (code, signal) => end(code, signal));

    const id = this.nextId++;
    this.pending.set(id, {
      method: 'initialize',
      resolve: () => {
        if (this.process !== child) return;
        this.write({ jsonrpc: '2.0', method: 'initialized', params: {} });
        this.running = true;
        const queued = this.queue;
        this.queue = [];
        for (const message of queued) this.write(message);
        log('server initialized');
      },
      reject: (error) => log(`initialize failed: ${error.message}`),
    });
    this.write({
      jsonrpc: '2.0',
      id,
      method: 'initialize',
      params: {
        processId: process.pid,
        clientInfo: { name: 'vscode-policy' },
        rootUri: folder ? folder.uri.toString() : null,
        workspaceFolders: folder ? [{ uri: folder.uri.toString(), name: folder.name }] : null,
        capabilities: {
          textDocument: {
            synchronization: { didSave: true, dynamicRegistration: false },
            publishDiagnostics: { relatedInformation: true },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            completion: { completionItem: { documentationFormat: ['markdown', 'plaintext'] } },
            definition: {},
            formatting: {},
            documentSymbol: { hierarchicalDocumentSymbolSupport: true },
          },
        },
      },
    });
    for (const document of vscode.workspace.textDocuments) this.didOpen(document);
  }

  failedToStart(command, error) {
    this.stopping = true; // no restarts: the command is not there
    const message = `policy: could not start \`${command}\` (${error.message}). Put \`policy\` on the PATH or set \`policy.server.path\`.`;
    log(message);
    if (vscode.window.showErrorMessage) vscode.window.showErrorMessage(message);
  }

  ended(child, code, signal, error) {
    if (this.process === child) {
      this.process = undefined;
      this.running = false;
    }
    for (const [, request] of this.pending) {
      request.reject(new Error('the server ended before it answered'));
    }
    this.pending.clear();
    log(`server ended (${signal ? `signal ${signal}` : `status ${code}`})`);
    if (this.stopping || error) return;
    const now = Date.now();
    this.restarts = this.restarts.filter((time) => now - time < RESTART_WINDOW_MS);
    if (this.restarts.length >= MAX_RESTARTS) {
      const message = `policy: the language server ended ${MAX_RESTARTS} times within a minute; it is not restarted again.`;
      log(message);
      if (vscode.window.showErrorMessage) vscode.window.showErrorMessage(message);
      return;
    }
    this.restarts.push(now);
    if (diagnostics) diagnostics.clear();
    log('restarting the server');
    this.start();
  }

  write(message) {
    const child = this.process;
    if (!child || !child.stdin || child.stdin.destroyed) return;
    child.stdin.write(frame(message), 'utf8');
  }

  /** Sends at once when initialized, else after `initialized`. */
  send(message) {
    if (!this.process) return;
    if (this.running) this.write(message);
    else this.queue.push(message);
  }

  notify(method, params) {
    this.send({ jsonrpc: '2.0', method, params });
  }

  request(method, params, token) {
    if (!this.process) return Promise.reject(new Error('the server is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
      this.send({ jsonrpc: '2.0', id, method, params });
      if (token && token.onCancellationRequested) {
        token.onCancellationRequested(() => {
          if (this.pending.has(id)) this.notify('$/cancelRequest', { id });
        });
      }
    });
  }

  receive(message) {
    if (message === null || typeof message !== 'object') return;
    if (message.method === undefined && (message.result !== undefined || message.error !== undefined)) {
      const request = this.pending.get(message.id);
      if (request) {
        this.pending.delete(message.id);
        if (message.error) {
          const error = new Error(`${request.method}: ${message.error.message} (${message.error.code})`);
          error.code = message.error.code;
          request.reject(error);
        } else {
          request.resolve(message.result);
        }
      } else if (message.error) {
        log(`server error: ${message.error.message} (${message.error.code})`);
      }
      return;
    }
    if (message.method === 'textDocument/publishDiagnostics') {
      publishDiagnostics(message.params || {});
    } else if (message.method === 'window/logMessage' || message.method === 'window/showMessage') {
      log(`server: ${(message.params || {}).message}`);
    } else if (message.id !== undefined && message.method) {
      // A request from the server: none is supported.
      this.write({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: `unknown method ${message.method}` } });
    }
  }

  // Documents

  didOpen(document) {
    if (!isPolicy(document)) return;
    const uri = document.uri.toString();
    if (this.opened.has(uri)) return;
    this.opened.add(uri);
    this.notify('textDocument/didOpen', {
      textDocument: { uri, languageId: LANGUAGE, version: document.version, text: document.getText() },
    });
  }

  didChange(document) {
    if (!isPolicy(document)) return;
    const uri = document.uri.toString();
    if (!this.opened.has(uri)) return this.didOpen(document);
    this.notify('textDocument/didChange', {
      textDocument: { uri, version: document.version },
      contentChanges: [{ text: document.getText() }],
    });
  }

  didSave(document) {
    if (!isPolicy(document) || !this.opened.has(document.uri.toString())) return;
    this.notify('textDocument/didSave', { textDocument: { uri: document.uri.toString() }, text: document.getText() });
  }

  didClose(document) {
    const uri = document.uri.toString();
    if (!this.opened.has(uri)) return;
    this.opened.delete(uri);
    this.notify('textDocument/didClose', { textDocument: { uri } });
    if (diagnostics) diagnostics.delete(document.uri);
  }

  /** `shutdown`, then `exit`; the process is killed if it does not end. */
  stop() {
    this.stopping = true;
    const child = this.process;
    if (!child) return Promise.resolve();
    const exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    const timeout = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const shutdown = this.running
      ? Promise.race([this.request('shutdown', null).catch(() => undefined), timeout(SHUTDOWN_TIMEOUT_MS)])
      : Promise.resolve();
    return shutdown
      .then(() => {
        this.write({ jsonrpc: '2.0', method: 'exit' });
        if (child.stdin) child.stdin.end();
        return Promise.race([exited.then(() => true), timeout(SHUTDOWN_TIMEOUT_MS).then(() => false)]);
      })
      .then((done) => {
        if (!done) {
          log('the server did not exit; killing it');
          child.kill();
        }
      });
  }
}

function isPolicy(document) {
  return document && document.languageId === LANGUAGE && !(document.uri && document.uri.scheme === 'git');
}

// ---------------------------------------------------------------------------
// From the protocol to VS Code

function toPosition(position) {
  return new vscode.Position(position.line, position.character);
}

function toRange(range) {
  return new vscode.Range(toPosition(range.start), toPosition(range.end));
}

function toMarkdown(contents) {
  if (contents === null || contents === undefined) return undefined;
  if (typeof contents === 'string') return new vscode.MarkdownString(contents);
  if (Array.isArray(contents)) {
    return new vscode.MarkdownString(contents.map((part) => (typeof part === 'string' ? part : part.value)).join('\n\n'));
  }
  if (contents.kind === 'plaintext') {
    const markdown = new vscode.MarkdownString();
    markdown.appendText ? markdown.appendText(contents.value) : (markdown.value = contents.value);
    return markdown;
  }
  return new vscode.MarkdownString(contents.value || '');
}

const severities = {
  1: 'Error',
  2: 'Warning',
  3: 'Information',
  4: 'Hint',
};

function publishDiagnostics(params) {
  if (!diagnostics || !params.uri) return;
  const uri = vscode.Uri.parse(params.uri);
  const list = (params.diagnostics || []).map((item) => {
    const severity = vscode.DiagnosticSeverity[severities[item.severity] || 'Error'];
    const diagnostic = new vscode.Diagnostic(toRange(item.range), item.message, severity);
    if (item.code !== undefined) diagnostic.code = item.code;
    if (item.source !== undefined) diagnostic.source = item.source;
    if (Array.isArray(item.relatedInformation) && vscode.DiagnosticRelatedInformation) {
      diagnostic.relatedInformation = item.relatedInformation.map(
        (related) =>
          new vscode.DiagnosticRelatedInformation(
            new vscode.Location(vscode.Uri.parse(related.location.uri), toRange(related.location.range)),
            related.message,
          ),
      );
    }
    return diagnostic;
  });
  diagnostics.set(uri, list);
}

function toCompletionItem(item) {
  // VS Code's CompletionItemKind is the protocol's minus one.
  const kind = typeof item.kind === 'number' ? item.kind - 1 : undefined;
  const completion = new vscode.CompletionItem(item.label, kind);
  if (item.detail) completion.detail = item.detail;
  if (item.documentation) completion.documentation = toMarkdown(item.documentation);
  if (item.insertText) completion.insertText = item.insertText;
  if (item.sortText) completion.sortText = item.sortText;
  if (item.filterText) completion.filterText = item.filterText;
  return completion;
}

function toSymbol(symbol) {
  // VS Code's SymbolKind is the protocol's minus one.
  const range = toRange(symbol.range);
  const selection = symbol.selectionRange ? toRange(symbol.selectionRange) : range;
  const result = new vscode.DocumentSymbol(symbol.name, symbol.detail || '', (symbol.kind || 1) - 1, range, selection);
  result.children = (symbol.children || []).map(toSymbol);
  return result;
}

function toLocation(location) {
  if (location.targetUri) {
    return new vscode.Location(vscode.Uri.parse(location.targetUri), toRange(location.targetSelectionRange || location.targetRange));
  }
  return new vscode.Location(vscode.Uri.parse(location.uri), toRange(location.range));
}

/** Sends a request for a provider; errors go to the output channel only. */
function ask(method, params, token) {
  if (!client) return Promise.resolve(undefined);
  return client.request(method, params, token).then(
    (result) => (token && token.isCancellationRequested ? undefined : result),
    (error) => {
      log(`${method} failed: ${error.message}`);
      return undefined;
    },
  );
}

function at(document, position) {
  return { textDocument: { uri: document.uri.toString() }, position: { line: position.line, character: position.character } };
}

// ---------------------------------------------------------------------------
// Activation

function activate(context) {
  deactivated = false;
  output = vscode.window.createOutputChannel('Policy');
  diagnostics = vscode.languages.createDiagnosticCollection('policy');
  client = new Client();
  const subscriptions = context.subscriptions;
  subscriptions.push(output, diagnostics);

  const selector = { language: LANGUAGE };
  subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((document) => client && client.didOpen(document)),
    vscode.workspace.onDidChangeTextDocument((event) => client && client.didChange(event.document)),
    vscode.workspace.onDidSaveTextDocument((document) => client && client.didSave(document)),
    vscode.workspace.onDidCloseTextDocument((document) => client && client.didClose(document)),
    vscode.languages.registerHoverProvider(selector, {
      provideHover(document, position, token) {
        return ask('textDocument/hover', at(document, position), token).then((result) => {
          if (!result || !result.contents) return undefined;
          return new vscode.Hover(toMarkdown(result.contents), result.range ? toRange(result.range) : undefined);
        });
      },
    }),
    vscode.languages.registerDefinitionProvider(selector, {
      provideDefinition(document, position, token) {
        return ask('textDocument/definition', at(document, position), token).then((result) => {
          if (!result) return undefined;
          return (Array.isArray(result) ? result : [result]).map(toLocation);
        });
      },
    }),
    vscode.languages.registerCompletionItemProvider(
      selector,
      {
        provideCompletionItems(document, position, token) {
          return ask('textDocument/completion', at(document, position), token).then((result) => {
            if (!result) return undefined;
            const items = Array.isArray(result) ? result : result.items || [];
            return items.map(toCompletionItem);
          });
        },
      },
      '.',
      '[',
    ),
    vscode.languages.registerDocumentFormattingEditProvider(selector, {
      provideDocumentFormattingEdits(document, options, token) {
        const params = {
          textDocument: { uri: document.uri.toString() },
          options: { tabSize: (options && options.tabSize) || 2, insertSpaces: options ? options.insertSpaces !== false : true },
        };
        return ask('textDocument/formatting', params, token).then((result) =>
          (result || []).map((edit) => vscode.TextEdit.replace(toRange(edit.range), edit.newText)),
        );
      },
    }),
    vscode.languages.registerDocumentSymbolProvider(selector, {
      provideDocumentSymbols(document, token) {
        return ask('textDocument/documentSymbol', { textDocument: { uri: document.uri.toString() } }, token).then(
          (result) => (result || []).map(toSymbol),
        );
      },
    }),
  );

  if (vscode.workspace.onDidChangeConfiguration) {
    subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!event.affectsConfiguration('policy.server') || !client) return;
        log('the server settings changed; restarting the server');
        const old = client;
        client = undefined;
        old.stop().then(() => {
          if (deactivated) return;
          if (diagnostics) diagnostics.clear();
          client = new Client();
          client.start();
        });
      }),
    );
  }

  client.start();
}

function deactivate() {
  deactivated = true;
  const stopping = client ? client.stop() : Promise.resolve();
  client = undefined;
  return stopping;
}

module.exports = { activate, deactivate, FrameParser, frame };
