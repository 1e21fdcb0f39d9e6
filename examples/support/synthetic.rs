//! The synthetic projects of the scaling examples.

/// A project of `n` services: one Ollama server per ten, each followed by clients that
/// reach it by name, through the host, or by a typo.
pub fn project(n: usize) -> String {
    let mut yaml = String::from("services:\n");
    for i in 0..n {
        let group = i / 10;
        if i % 10 == 0 {
            yaml.push_str(&format!(
                "  ollama-{group}:\n    image: ollama/ollama\n    ports: [\"{}:11434\"]\n    volumes: [\"models-{group}:/root/.ollama\"]\n    networks: [net-{group}]\n",
                20000 + group
            ));
        } else {
            let url = match i % 3 {
                0 => format!("http://ollama-{group}:11434"),
                1 => format!("http://host.docker.internal:{}", 20000 + group),
                _ => format!("http://olama-{group}:11434"),
            };
            yaml.push_str(&format!(
                "  client-{i}:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: {url}\n    depends_on: [ollama-{group}]\n    networks: [net-{group}]\n"
            ));
        }
    }
    yaml.push_str("networks:\n");
    for group in 0..n.div_ceil(10) {
        yaml.push_str(&format!("  net-{group}: {{}}\n"));
    }
    yaml.push_str("volumes:\n");
    for group in 0..n.div_ceil(10) {
        yaml.push_str(&format!("  models-{group}: {{}}\n"));
    }
    yaml
}
