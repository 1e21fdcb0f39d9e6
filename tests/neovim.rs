//! A real editor as the client: headless Neovim (Debian's package) runs its built-in LSP
//! client against `composelint server` on the demo project, reads the diagnostics it
//! published, asks for the quick fix of OLL001 and applies it to the buffer.
//!
//! Without `nvim` on the PATH the test says so and passes; with
//! `COMPOSELINT_REQUIRE_NEOVIM=1` (set by `.ci/run`, which installs it) its absence fails.

// A test says what it skipped and why.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The session, in Lua: open the compose file, start the server and attach it, wait for its
/// diagnostics, apply the quick fix of the `localhost` on line 21, wait for the diagnostics
/// of the fixed text, and write what it saw as JSON.
const SESSION: &str = r#"
local dir, bin, out = DIR, BIN, OUT
local function codes(bufnr)
  local seen = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(seen, { code = d.code, source = d.source, lnum = d.lnum, col = d.col,
      href = d.user_data.lsp.codeDescription and d.user_data.lsp.codeDescription.href })
  end
  table.sort(seen, function(a, b) return a.code < b.code end)
  return seen
end
local function has(bufnr, code)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == code then return true end
  end
  return false
end
local result = {}
vim.cmd('edit ' .. vim.fn.fnameescape(dir .. '/compose.yaml'))
local bufnr = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({ name = 'composelint', cmd = { bin, 'server' }, root_dir = dir })
vim.lsp.buf_attach_client(bufnr, client_id)
result.published = vim.wait(20000, function() return has(bufnr, 'OLL001') and has(bufnr, 'CMP009') end, 20)
result.before = codes(bufnr)
local env = vim.fn.bufnr(dir .. '/.env')
result.env = env ~= -1 and codes(env) or {}
local client = vim.lsp.get_client_by_id(client_id)
result.encoding = client.offset_encoding
local params = {
  textDocument = { uri = vim.uri_from_bufnr(bufnr) },
  range = { start = { line = 20, character = 30 }, ['end'] = { line = 20, character = 30 } },
  context = { diagnostics = {} },
}
local response = client.request_sync('textDocument/codeAction', params, 20000, bufnr)
result.titles = {}
for _, action in ipairs(response and response.result or {}) do
  table.insert(result.titles, action.title)
  if action.title:find('^OLL001:') then
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  end
end
result.line = vim.api.nvim_buf_get_lines(bufnr, 20, 21, false)[1]
result.cleared = vim.wait(20000, function() return not has(bufnr, 'OLL001') end, 20)
result.after = codes(bufnr)
vim.fn.writefile({ vim.fn.json_encode(result) }, out)
vim.lsp.stop_client(client_id)
vim.cmd('qa!')
"#;

fn lua_string(text: &str) -> String {
    format!("{text:?}")
}

#[test]
fn neovim_shows_the_diagnostics_and_applies_the_quick_fix() {
    let found = Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("COMPOSELINT_REQUIRE_NEOVIM").is_none(),
            "COMPOSELINT_REQUIRE_NEOVIM is set but nvim is not installed"
        );
        eprintln!(
            "note: nvim is not installed; the Neovim test is skipped (apt-get install neovim)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    for name in ["compose.yaml", ".env"] {
        std::fs::copy(demo.join(name), dir.path().join(name)).unwrap();
    }
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let out = dir.path().join("session.json");
    let script = dir.path().join("session.lua");
    let session = SESSION
        .replacen("DIR", &lua_string(&dir.path().display().to_string()), 1)
        .replacen("BIN", &lua_string(env!("CARGO_BIN_EXE_composelint")), 1)
        .replacen("OUT", &lua_string(&out.display().to_string()), 1);
    std::fs::write(&script, session).unwrap();
    let mut child = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .spawn()
        .expect("nvim starts");
    let deadline = Instant::now() + Duration::from_secs(90);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish the session");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let seen: Value = serde_json::from_str(
        &std::fs::read_to_string(&out).expect("the session wrote what it saw"),
    )
    .unwrap();
    assert_eq!(seen["published"], true, "{seen:#}");
    assert_eq!(seen["encoding"], "utf-16");
    // The demo's findings in the compose file, where the editor shows them (0-based): the
    // misspelt `olama` on line 16, `localhost` on line 21, and `open-webui` on line 9, which
    // does not depend on the Ollama its `.env` URL is meant to reach, each with its rule's
    // page.
    let before = seen["before"].as_array().unwrap();
    let at: Vec<(&str, u64, u64)> = before
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["lnum"].as_u64().unwrap(),
                d["col"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        at,
        [("CMP009", 15, 17), ("OLL001", 20, 26), ("OLL012", 8, 2)],
        "{seen:#}"
    );
    assert!(before.iter().all(|d| d["source"] == "composelint"));
    assert!(before[1]["href"].as_str().unwrap().ends_with("/OLL001.md"));
    // The finding in `.env`, which the editor never opened.
    assert_eq!(seen["env"][0]["code"], "OLL009", "{seen:#}");
    // The quick fix, applied by Neovim to its buffer, and the diagnostics of the new text.
    assert!(
        seen["titles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "Disable OLL001 for this line"),
        "{seen:#}"
    );
    assert_eq!(seen["line"], "      OLLAMA_HOST: http://ollama:11434");
    assert_eq!(seen["cleared"], true, "{seen:#}");
    let after: Vec<&str> = seen["after"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    // The quick fix was n8n's; open-webui's findings stay.
    assert_eq!(after, ["CMP009", "OLL012"]);
}
