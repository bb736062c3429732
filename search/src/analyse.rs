//! Text analysis, the same for documents and queries: runs of Han characters cut into words by
//! jieba (with a user dictionary built from the catalogue and the synonym keys), Latin words
//! stemmed, and for queries the expansions — synonyms, pinyin, initials, one-typo corrections.
//!
//! | query input | what it becomes |
//! |---|---|
//! | 换驾照 | 换, 驾照 (jieba, 驾照 from the user dictionary) → 驾照's synonyms (机动车驾驶证 …) |
//! | 户扣 (typo) | no catalogue word contains 户扣 → homophones of `hukou` one character away: 户口 |
//! | jiazhao / hu zhao | the pinyin of a catalogue word → 驾照 / 护照, then as if typed in Han |
//! | jsz | initials of a catalogue word → 驾驶证 |
//! | Driver's licenses | drivers → driver, licenses → license → synonyms (driving, licence) |

use std::collections::{HashMap, HashSet};

use jieba_rs::Jieba;

use crate::Document;
use crate::normalise::{is_han, normalise};
use crate::pinyin_index::{MAX_SYLLABLE, full_readings, initial_readings, is_syllable};
use crate::synonyms::Synonyms;

/// Query words that say how, not what (怎么办, 需要, 材料 …): dropped from queries.
const HAN_STOPWORDS: &[&str] = &[
    "的",
    "了",
    "吗",
    "呢",
    "啊",
    "吧",
    "呀",
    "我",
    "我的",
    "你",
    "您",
    "他",
    "她",
    "要",
    "想",
    "我想",
    "我要",
    "怎么",
    "怎么办",
    "怎样",
    "如何",
    "哪里",
    "在哪",
    "在哪里",
    "哪儿",
    "哪个",
    "去哪",
    "去哪儿",
    "什么",
    "啥",
    "需要",
    "带",
    "办理",
    "办",
    "手续",
    "流程",
    "材料",
    "可以",
    "能",
    "能不能",
    "是",
    "有",
    "没有",
    "去",
    "给",
    "一个",
    "个",
    "了解",
    "一下",
    "咨询",
    "问",
    "请问",
    "和",
    "与",
    "及",
    "还",
    "该",
    "得",
    "应该",
    "多久",
    "多少",
    "多少钱",
    "怎么弄",
    "弄",
    "搞",
    "在",
    "到",
    "把",
    "被",
    "就",
    "都",
    "也",
    "那",
    "这",
    "吗?",
];

/// English words that carry no service (how, my, the …).
const LATIN_STOPWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "for",
    "to",
    "my",
    "i",
    "how",
    "do",
    "get",
    "in",
    "on",
    "and",
    "is",
    "what",
    "where",
    "need",
    "want",
    "can",
    "me",
    "with",
    "at",
    "by",
    "or",
    "new",
    "apply",
    "application",
];

/// A query term with its weight (1.0 for what was typed, less for what it was expanded into).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QTerm {
    pub(crate) key: String,
    pub(crate) weight: f32,
    /// The parts of the query the term stands for, one bit each (see [`MAX_GROUPS`]).
    pub(crate) groups: u64,
}

/// A query is counted in at most this many parts (a Han run, an English word, a pinyin reading):
/// ranking prefers the services that match more of them. Later parts share the last bit.
pub(crate) const MAX_GROUPS: u32 = 64;

/// Query terms, each once, at its highest weight, in first-seen order (deterministic).
#[derive(Debug, Default)]
struct TermSet {
    terms: Vec<QTerm>,
    seen: HashMap<String, usize>,
    /// Whole phrases the query was expanded into (synonym terms, pinyin and typo corrections),
    /// with the parts of the query they stand for: a service with exactly that name gets a bonus
    /// when the phrase stands for every part of the query that matched anything.
    named: Vec<(String, u64)>,
    /// The parts of the query the terms being added stand for, and how many parts were begun.
    mask: u64,
    begun: u32,
}

impl TermSet {
    /// Starts the next part of the query: the terms added from now on stand for it.
    fn begin_group(&mut self) -> u64 {
        self.mask = 1u64 << self.begun.min(MAX_GROUPS - 1);
        self.begun += 1;
        self.mask
    }

    fn name(&mut self, phrase: &str) {
        let compact: String = phrase.chars().filter(|c| *c != ' ').collect();
        match self.named.iter_mut().find(|(n, _)| *n == compact) {
            Some((_, mask)) => *mask |= self.mask,
            None => self.named.push((compact, self.mask)),
        }
    }

    fn add(&mut self, key: &str, weight: f32) {
        if key.is_empty() || weight <= 0.0 {
            return;
        }
        let bit = self.mask;
        match self.seen.get(key) {
            Some(&i) => {
                if let Some(t) = self.terms.get_mut(i) {
                    t.weight = t.weight.max(weight);
                    t.groups |= bit;
                }
            }
            None => {
                self.seen.insert(key.to_owned(), self.terms.len());
                self.terms.push(QTerm { key: key.to_owned(), weight, groups: bit });
            }
        }
    }
}

/// A run of one kind of character in normalised text.
#[derive(Debug, PartialEq)]
enum Run {
    Han(String),
    /// Latin words (letters and digits), in order.
    Latin(Vec<String>),
}

fn runs(normalised: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut han = String::new();
    let mut latin: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in normalised.chars() {
        if is_han(c) {
            if !word.is_empty() {
                latin.push(std::mem::take(&mut word));
            }
            if !latin.is_empty() {
                out.push(Run::Latin(std::mem::take(&mut latin)));
            }
            han.push(c);
        } else if c.is_ascii_alphanumeric() {
            if !han.is_empty() {
                out.push(Run::Han(std::mem::take(&mut han)));
            }
            word.push(c);
        } else {
            // A space: ends a Han run and a Latin word, not a Latin run.
            if !han.is_empty() {
                out.push(Run::Han(std::mem::take(&mut han)));
            }
            if !word.is_empty() {
                latin.push(std::mem::take(&mut word));
            }
        }
    }
    if !han.is_empty() {
        out.push(Run::Han(han));
    }
    if !word.is_empty() {
        latin.push(word);
    }
    if !latin.is_empty() {
        out.push(Run::Latin(latin));
    }
    out
}

/// English word forms and spellings brought to one form, on both sides (documents and queries):
/// US and UK spellings, and the verb a citizen types for the noun a service name uses.
const ENGLISH_FORMS: &[(&str, &str)] = &[
    ("license", "licence"),
    ("licensing", "licence"),
    ("enroll", "enrolment"),
    ("enrol", "enrolment"),
    ("enrollment", "enrolment"),
    ("register", "registration"),
    ("registering", "registration"),
    ("registered", "registration"),
    ("renew", "renewal"),
    ("renewing", "renewal"),
    ("replace", "replacement"),
    ("replacing", "replacement"),
    ("withdraw", "withdrawal"),
    ("withdrawing", "withdrawal"),
    ("reimburse", "reimbursement"),
    ("claiming", "claim"),
    ("certify", "certification"),
    ("notarization", "notarisation"),
    ("notarize", "notarisation"),
    ("notarise", "notarisation"),
    ("macau", "macao"),
    ("reissue", "replacement"),
    ("reissued", "replacement"),
    ("program", "programme"),
    ("center", "centre"),
];

/// A light English stemmer: plurals (licences → licence, taxes → tax, drivers → driver), then
/// [`ENGLISH_FORMS`].
pub(crate) fn stem(word: &str) -> String {
    let singular = plural_stem(word);
    match ENGLISH_FORMS.iter().find(|(from, _)| *from == singular) {
        Some((_, to)) => (*to).to_owned(),
        None => singular,
    }
}

fn plural_stem(word: &str) -> String {
    let n = word.len();
    if n > 4 && word.ends_with("ies") {
        return format!("{}y", &word[..n - 3]);
    }
    for suffix in ["sses", "xes", "ches", "shes"] {
        if word.ends_with(suffix) {
            return word[..n - 2].to_owned();
        }
    }
    if n > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") {
        return word[..n - 1].to_owned();
    }
    word.to_owned()
}

fn is_han_word(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_han)
}

/// The analyser: jieba with the catalogue's words, the synonyms, and the tables of the pinyin and
/// typo passes, all built once with the index.
pub(crate) struct Analyzer {
    jieba: Jieba,
    synonyms: Synonyms,
    max_key_chars: usize,
    /// Every catalogue word of two or more Han characters (names' words, aliases, synonym keys and
    /// terms, department names).
    vocab: HashSet<String>,
    /// Every Han bigram of those words: a query bigram outside it is where a typo may be.
    bigrams: HashSet<String>,
    /// Toneless full pinyin → the words that read so (sorted).
    pinyin_full: HashMap<String, Vec<String>>,
    /// Pinyin initials → the words (sorted).
    pinyin_initials: HashMap<String, Vec<String>>,
    /// A word with one character replaced by `*` → the words (sorted).
    masks: HashMap<String, Vec<String>>,
    max_pinyin_len: usize,
    /// How much of the catalogue a word stands for: the popularity of the services whose name or
    /// aliases contain it (the order of the candidates of an ambiguous pinyin or initials query).
    mass: HashMap<String, u64>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("vocab", &self.vocab.len())
            .field("synonyms", &self.synonyms.len())
            .finish()
    }
}

/// Words a user dictionary adds to jieba are at most this long: a longer one (a whole service
/// name) would hide its four-character words (医疗保险) from search mode, which offers only a
/// word's two- and three-character parts.
const MAX_USER_WORD: usize = 4;

impl Analyzer {
    pub(crate) fn new(docs: &[Document], synonyms: &Synonyms) -> Analyzer {
        let mut jieba = Jieba::new();
        // Normalised synonym keys and terms, aliases and department names: the user dictionary.
        let mut user_words: Vec<String> = Vec::new();
        for (key, terms) in synonyms.iter() {
            user_words.push(key.to_owned());
            user_words.extend(terms.iter().cloned());
        }
        for doc in docs {
            user_words.extend(doc.aliases.iter().map(|a| normalise(a)));
        }
        user_words.sort();
        user_words.dedup();
        for w in &user_words {
            let n = w.chars().count();
            if is_han_word(w) && (2..=MAX_USER_WORD).contains(&n) && !jieba.has_word(w) {
                jieba.add_word(w, None, None);
            }
        }
        let mut analyzer = Analyzer {
            jieba,
            synonyms: synonyms.clone(),
            max_key_chars: synonyms.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0),
            vocab: HashSet::new(),
            bigrams: HashSet::new(),
            pinyin_full: HashMap::new(),
            pinyin_initials: HashMap::new(),
            masks: HashMap::new(),
            max_pinyin_len: 0,
            mass: HashMap::new(),
        };
        // The vocabulary: whole short words and the words analysis cuts them into.
        let mut vocab: Vec<String> = Vec::new();
        let mut sources: Vec<String> = user_words;
        for doc in docs {
            sources.push(normalise(&doc.name_hans));
            sources.push(normalise(&doc.department_name));
        }
        for s in &sources {
            for run in runs(s) {
                if let Run::Han(h) = run {
                    if h.chars().count() <= 8 {
                        vocab.push(h.clone());
                    }
                    for c in h.chars().collect::<Vec<_>>().windows(2) {
                        analyzer.bigrams.insert(c.iter().collect());
                    }
                    vocab.extend(analyzer.cut(&h).into_iter().filter(|t| t.chars().count() >= 2));
                }
            }
        }
        vocab.sort();
        vocab.dedup();
        for w in &vocab {
            let n = w.chars().count();
            for r in full_readings(w) {
                analyzer.max_pinyin_len = analyzer.max_pinyin_len.max(r.len());
                analyzer.pinyin_full.entry(r).or_default().push(w.clone());
            }
            for r in initial_readings(w) {
                if (2..=6).contains(&r.len()) {
                    analyzer.pinyin_initials.entry(r).or_default().push(w.clone());
                }
            }
            if (2..=6).contains(&n) {
                let chars: Vec<char> = w.chars().collect();
                for i in 0..n {
                    let masked: String =
                        chars.iter().enumerate().map(|(j, c)| if i == j { '*' } else { *c }).collect();
                    analyzer.masks.entry(masked).or_default().push(w.clone());
                }
            }
        }
        // `vocab` was sorted, so each list is sorted; dedup for words with repeated readings.
        for list in analyzer.pinyin_full.values_mut().chain(analyzer.pinyin_initials.values_mut()) {
            list.dedup();
        }
        for doc in docs {
            let mut words: Vec<String> = analyzer.tokens(&doc.name_hans);
            for alias in &doc.aliases {
                words.extend(analyzer.tokens(alias));
                words.push(normalise(alias));
            }
            words.sort();
            words.dedup();
            for w in words {
                let m = analyzer.mass.entry(w).or_default();
                *m = m.saturating_add(doc.popularity.max(1));
            }
        }
        analyzer.vocab = vocab.into_iter().collect();
        analyzer
    }

    fn cut(&self, han: &str) -> Vec<String> {
        self.jieba.cut_for_search(han, false).into_iter().map(|t| t.word.to_owned()).collect()
    }

    /// The index terms of a text (a field of a document): Han words and stemmed Latin words.
    pub(crate) fn tokens(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for run in runs(&normalise(text)) {
            match run {
                Run::Han(h) => out.extend(self.cut(&h)),
                Run::Latin(words) => out.extend(words.iter().map(|w| stem(w))),
            }
        }
        out
    }

    /// The Han bigrams of a text, as bigram-field terms (`#驾照`).
    pub(crate) fn bigram_terms(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for run in runs(&normalise(text)) {
            if let Run::Han(h) = run {
                let chars: Vec<char> = h.chars().collect();
                out.extend(chars.windows(2).map(|w| format!("#{}{}", w[0], w[1])));
            }
        }
        out
    }

    /// The weighted terms of a normalised query, and the phrases it was expanded into.
    pub(crate) fn query_terms(&self, normalised: &str) -> (Vec<QTerm>, Vec<(String, u64)>) {
        let mut set = TermSet::default();
        for run in runs(normalised) {
            match run {
                // A run of only 怎么办 and the like asks nothing.
                Run::Han(h) if self.cut(&h).iter().all(|t| HAN_STOPWORDS.contains(&t.as_str())) => {}
                Run::Han(h) => self.han_terms(&h, 1.0, true, &mut set),
                Run::Latin(words) => self.latin_terms(&words, &mut set),
            }
        }
        (set.terms, set.named)
    }

    /// The terms of a run of Han characters. The run typed by the user (`typed`) is counted in
    /// parts, one per word jieba cuts it into (stopwords aside), and each term stands for the
    /// parts its characters overlap; a word it was expanded into stands for the part it came from.
    fn han_terms(&self, run: &str, scale: f32, typed: bool, set: &mut TermSet) {
        if !typed {
            set.name(run);
        }
        let mut parts: Vec<(usize, usize, u64)> = Vec::new();
        if typed {
            let mut pos = 0;
            for t in self.jieba.cut(run, false) {
                let len = t.word.chars().count();
                if !HAN_STOPWORDS.contains(&t.word) {
                    parts.push((pos, pos + len, set.begin_group()));
                }
                pos += len;
            }
        }
        let inherited = set.mask;
        let focus = |set: &mut TermSet, start: usize, end: usize| {
            if typed {
                set.mask = parts.iter().filter(|(s, e, _)| *s < end && start < *e).fold(0, |m, p| m | p.2);
            } else {
                set.mask = inherited;
            }
        };
        for token in self.jieba.cut_for_search(run, false) {
            if HAN_STOPWORDS.contains(&token.word) {
                continue;
            }
            focus(set, token.start, token.end);
            let single = token.end - token.start == 1;
            set.add(token.word, scale * if single { 0.4 } else { 1.0 });
        }
        let chars: Vec<char> = run.chars().collect();
        // Synonym keys anywhere in the run, whatever jieba made of it.
        for i in 0..chars.len() {
            let longest = self.max_key_chars.min(chars.len() - i);
            for len in (1..=longest).rev() {
                let key: String = chars[i..i + len].iter().collect();
                if let Some(targets) = self.synonyms.get(&key) {
                    focus(set, i, i + len);
                    set.add(&key, scale);
                    for target in targets {
                        self.expansion_terms(target, scale * 0.8, set);
                    }
                }
            }
        }
        for (i, w) in chars.windows(2).enumerate() {
            focus(set, i, i + 2);
            // A bigram across two words of the query (户注 of 个体户注册) is no evidence of
            // either: it still scores, but counts for no part.
            if set.mask.count_ones() > 1 {
                set.mask = 0;
            }
            set.add(&format!("#{}{}", w[0], w[1]), scale * 0.5);
        }
        if typed {
            // Characters inside a word the catalogue knows, or a stopword, are not where a typo is.
            let mut known = vec![false; chars.len()];
            let mut pos = 0;
            for t in self.jieba.cut(run, false) {
                let len = t.word.chars().count();
                if (len >= 2 && self.vocab.contains(t.word)) || HAN_STOPWORDS.contains(&t.word) {
                    known.iter_mut().skip(pos).take(len).for_each(|k| *k = true);
                }
                pos += len;
            }
            self.typo_terms(&chars, &known, &focus, set);
        }
    }

    /// A synonym's official term, or a word found by pinyin or a typo correction: its words.
    fn expansion_terms(&self, term: &str, weight: f32, set: &mut TermSet) {
        set.name(term);
        for token in self.tokens(term) {
            let single = token.chars().count() == 1 && is_han_word(&token);
            if !HAN_STOPWORDS.contains(&token.as_str()) {
                set.add(&token, weight * if single { 0.3 } else { 1.0 });
            }
        }
        for b in Self::bigram_terms(term) {
            set.add(&b, weight * 0.3);
        }
    }

    /// One wrong character: a window of the query that no catalogue word contains (it holds a
    /// bigram none of them has, and a character outside the catalogue words jieba found) is replaced by the catalogue words that read the same (homophone
    /// typos from pinyin input methods) or, failing that, differ in one character. Longer windows
    /// first; the windows inside one already corrected are left alone, and a two-character window
    /// whose one-character variants are many is too ambiguous to correct.
    fn typo_terms(
        &self,
        chars: &[char],
        known: &[bool],
        focus: &dyn Fn(&mut TermSet, usize, usize),
        set: &mut TermSet,
    ) {
        let n = chars.len();
        let mut corrected: Vec<(usize, usize)> = Vec::new();
        for len in (2..=n.min(6)).rev() {
            for start in 0..=n - len {
                let end = start + len;
                if corrected.iter().any(|(s, e)| *s <= start && end <= *e) {
                    continue;
                }
                let window = &chars[start..end];
                let w: String = window.iter().collect();
                if known.get(start..end).is_none_or(|k| k.iter().all(|x| *x))
                    || self.vocab.contains(&w)
                    || window.windows(2).all(|b| self.bigrams.contains(&b.iter().collect::<String>()))
                {
                    continue;
                }
                let mut found: Vec<&String> = Vec::new();
                for reading in full_readings(&w) {
                    if let Some(words) = self.pinyin_full.get(&reading) {
                        found.extend(words.iter().filter(|c| strsim::levenshtein(c, &w) == 1));
                    }
                }
                let weight = if found.is_empty() {
                    for i in 0..len {
                        let masked: String =
                            window.iter().enumerate().map(|(j, c)| if i == j { '*' } else { *c }).collect();
                        if let Some(words) = self.masks.get(&masked) {
                            found.extend(words.iter());
                        }
                    }
                    if len == 2 { 0.35 } else { 0.6 }
                } else {
                    0.8
                };
                found.sort();
                found.dedup();
                if found.is_empty() || (len == 2 && weight < 0.8 && found.len() > 3) {
                    continue;
                }
                corrected.push((start, end));
                focus(set, start, end);
                for word in found.into_iter().take(12) {
                    self.han_terms(word, weight, false, set);
                }
            }
        }
    }

    fn latin_terms(&self, words: &[String], set: &mut TermSet) {
        for word in words {
            if LATIN_STOPWORDS.contains(&word.as_str()) {
                continue;
            }
            let stemmed = stem(word);
            set.begin_group();
            set.add(&stemmed, 1.0);
            for key in [word.as_str(), stemmed.as_str()] {
                if let Some(targets) = self.synonyms.get(key) {
                    for target in targets {
                        self.expansion_terms(target, 0.8, set);
                    }
                }
            }
        }
        // Pinyin may come with tone numbers (hu4zhao4): a digit after a letter is dropped.
        let mut joined = String::new();
        for w in words {
            let mut prev_letter = false;
            for c in w.chars() {
                if !(prev_letter && ('1'..='5').contains(&c)) {
                    joined.push(c);
                }
                prev_letter = c.is_ascii_lowercase();
            }
        }
        if !joined.bytes().all(|b| b.is_ascii_lowercase()) {
            return;
        }
        set.begin_group();
        match self.segment_pinyin(&joined) {
            Some(segments) => {
                for reading in segments {
                    if let Some(ws) = self.pinyin_full.get(reading) {
                        self.candidate_terms(ws, 0.9, 8, set);
                    }
                }
            }
            None if (2..=6).contains(&joined.len()) => {
                if let Some(ws) = self.pinyin_initials.get(&joined) {
                    self.candidate_terms(ws, 0.8, 12, set);
                }
            }
            None => {}
        }
    }

    /// The words an ambiguous pinyin or initials query may mean, the one that stands for the most
    /// of the catalogue at `weight`, the others at 60 % of it (at most `cap` of them).
    fn candidate_terms(&self, words: &[String], weight: f32, cap: usize, set: &mut TermSet) {
        let mut ranked: Vec<(&String, u64)> =
            words.iter().map(|w| (w, self.mass.get(w).copied().unwrap_or(0))).collect();
        // Stable: equal mass keeps the words' sorted order.
        ranked.sort_by_key(|(_, m)| std::cmp::Reverse(*m));
        for (i, (w, _)) in ranked.into_iter().take(cap).enumerate() {
            self.han_terms(w, if i == 0 { weight } else { weight * 0.6 }, false, set);
        }
    }

    /// Splits letters into pinyin of catalogue words (cost 1 each), stepping over plain syllables
    /// (cost 3 each) — fewest cost wins, the leftmost split among equals. `None` when the letters
    /// are not pinyin or name no catalogue word.
    fn segment_pinyin<'a>(&self, s: &'a str) -> Option<Vec<&'a str>> {
        let n = s.len();
        // best[i] = (cost, previous position, whether s[prev..i] is a catalogue word)
        let mut best: Vec<Option<(u32, usize, bool)>> = vec![None; n + 1];
        best[0] = Some((0, 0, false));
        for i in 0..n {
            let Some((cost, _, _)) = best[i] else { continue };
            let longest = self.max_pinyin_len.max(MAX_SYLLABLE).min(n - i);
            for len in 1..=longest {
                let j = i + len;
                let piece = &s[i..j];
                let step = if self.pinyin_full.contains_key(piece) {
                    Some((1, true))
                } else if len <= MAX_SYLLABLE && is_syllable(piece) {
                    Some((3, false))
                } else {
                    None
                };
                if let Some((c, word)) = step {
                    let total = cost + c;
                    if best[j].is_none_or(|(b, _, _)| total < b) {
                        best[j] = Some((total, i, word));
                    }
                }
            }
        }
        let mut out = Vec::new();
        let mut j = n;
        best[n]?;
        while j > 0 {
            let (_, i, word) = best[j]?;
            if word {
                out.push(&s[i..j]);
            }
            j = i;
        }
        out.reverse();
        if out.is_empty() { None } else { Some(out) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str, aliases: &[&str]) -> Document {
        Document {
            code: name.to_owned(),
            name_hans: name.to_owned(),
            name_en: String::new(),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            department: "police".to_owned(),
            department_name: "公安局".to_owned(),
            themes: Vec::new(),
            objects: vec![1],
            online: false,
            text: String::new(),
            popularity: 1,
        }
    }

    fn analyzer() -> Analyzer {
        let synonyms = Synonyms::parse(
            "[synonyms]\n\"驾照\" = [\"机动车驾驶证\"]\n\"上户口\" = [\"出生登记\", \"户口迁移\"]\nlicense = [\"licence\"]\n",
        )
        .unwrap_or_default();
        Analyzer::new(
            &[
                doc("机动车驾驶证换证", &[]),
                doc("普通护照签发", &["办护照"]),
                doc("户口迁移", &[]),
                doc("出生登记", &[]),
            ],
            &synonyms,
        )
    }

    fn keys(terms: &[QTerm]) -> Vec<&str> {
        terms.iter().map(|t| t.key.as_str()).collect()
    }

    #[test]
    fn runs_split_by_script() {
        assert_eq!(
            runs("办 hu zhao 护照abc"),
            vec![
                Run::Han("办".into()),
                Run::Latin(vec!["hu".into(), "zhao".into()]),
                Run::Han("护照".into()),
                Run::Latin(vec!["abc".into()]),
            ]
        );
    }

    #[test]
    fn plurals_are_stemmed() {
        assert_eq!(stem("licences"), "licence");
        assert_eq!(stem("drivers"), "driver");
        assert_eq!(stem("taxes"), "tax");
        assert_eq!(stem("certificates"), "certificate");
        assert_eq!(stem("subsidies"), "subsidy");
        assert_eq!(stem("address"), "address");
        assert_eq!(stem("bus"), "bus");
        assert_eq!(stem("licenses"), "licence");
        assert_eq!(stem("register"), "registration");
        assert_eq!(stem("macau"), "macao");
    }

    #[test]
    fn synonyms_expand_to_official_words() {
        let a = analyzer();
        let terms = a.query_terms("换驾照").0;
        let ks = keys(&terms);
        assert!(ks.contains(&"驾照"), "{ks:?}");
        assert!(ks.contains(&"驾驶证"), "{ks:?}");
        let official = terms.iter().find(|t| t.key == "驾驶证").map(|t| t.weight);
        assert_eq!(official, Some(0.8));
        let ks2 = a.query_terms("孩子上户口").0;
        assert!(keys(&ks2).contains(&"出生"), "{:?}", keys(&ks2));
        assert!(keys(&ks2).contains(&"迁移"), "{:?}", keys(&ks2));
        let en = a.query_terms("driving license").0;
        assert!(keys(&en).contains(&"licence"), "{:?}", keys(&en));
    }

    #[test]
    fn pinyin_full_and_initials() {
        let a = analyzer();
        for q in ["huzhao", "hu zhao", "hu4zhao4"] {
            let ks = a.query_terms(q).0;
            assert!(keys(&ks).contains(&"护照"), "{q}: {:?}", keys(&ks));
        }
        let ks = a.query_terms("jiazhao").0;
        assert!(keys(&ks).contains(&"驾驶证"), "{:?}", keys(&ks));
        let ks = a.query_terms("jsz").0;
        assert!(keys(&ks).contains(&"驾驶证"), "{:?}", keys(&ks));
        let ks = a.query_terms("hz").0;
        assert!(keys(&ks).contains(&"护照"), "{:?}", keys(&ks));
        // Not pinyin: an English word is only an English word.
        let ks = a.query_terms("passport").0;
        assert_eq!(keys(&ks), vec!["passport"]);
    }

    #[test]
    fn one_wrong_character_is_corrected() {
        let a = analyzer();
        for (typed, meant) in [("护找", "护照"), ("户扣迁移", "户口"), ("架照", "驾照"), ("户口迁宜", "迁移")]
        {
            let ks = a.query_terms(typed).0;
            assert!(keys(&ks).contains(&meant), "{typed}: {:?}", keys(&ks));
        }
        // A query whose words the catalogue knows is not "corrected".
        let ks = a.query_terms("护照").0;
        assert!(!keys(&ks).contains(&"驾照"));
    }
}
