//! Try queries against the evaluation corpus: `cargo run -p shimin-search --example search -- 驾照 jsz`.

use shimin_search::eval::parse_corpus;
use shimin_search::{Index, Query, Synonyms};

fn main() -> anyhow::Result<()> {
    let docs = parse_corpus(include_str!("../tests/eval/corpus.tsv"))?;
    let index = Index::build(docs.clone(), &Synonyms::builtin());
    for text in std::env::args().skip(1) {
        let page = index.search(&Query { text: text.clone(), limit: 3, ..Query::default() })?;
        let names: Vec<String> = page
            .hits
            .iter()
            .filter_map(|h| {
                docs.iter().find(|d| d.code == h.code).map(|d| format!("{} ({:.2})", d.name_hans, h.score))
            })
            .collect();
        println!("{text} [{}] → {}", page.total, names.join(" / "));
    }
    Ok(())
}
