// Starts `composelint server` for compose files and env files; everything else is the
// server's (diagnostics, quick fixes, source.fixAll.composelint on save).

import { ExtensionContext, workspace } from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

// The settings the server takes as initialization options; unset ones are left out, so
// the project's `.composelint.yaml` decides.
function initializationOptions(): Record<string, unknown> {
  const config = workspace.getConfiguration("composelint");
  const options: Record<string, unknown> = {};
  const platform = config.get<string>("platform", "");
  if (platform) {
    options.platform = platform;
  }
  const select = config.get<string[]>("select", []);
  if (select.length > 0) {
    options.select = select;
  }
  options.ignore = config.get<string[]>("ignore", []);
  options.unsafeFixes = config.get<boolean>("unsafeFixes", false);
  return options;
}

export async function activate(_context: ExtensionContext): Promise<void> {
  const command = workspace
    .getConfiguration("composelint")
    .get<string>("path", "composelint");
  const serverOptions: ServerOptions = { command, args: ["server"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "dockercompose" },
      { scheme: "file", pattern: "**/{compose,docker-compose}*.{yml,yaml}" },
      { scheme: "file", pattern: "**/{.env,*.env,.env.*}" },
    ],
    initializationOptions: initializationOptions(),
  };
  client = new LanguageClient("composelint", "composelint", serverOptions, clientOptions);
  await client.start();
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
