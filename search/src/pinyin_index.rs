//! Pinyin readings of words, for pinyin queries (`jiazhao`, `hu zhao`, `jsz`) and for the homophone
//! typo pass (架照 and 驾照 read alike).
//!
//! A character with several readings (行 xing/hang, 长 chang/zhang) gives each; a word's readings
//! are the combinations, capped at [`MAX_READINGS`] so that a long word cannot explode.

use pinyin::ToPinyinMulti;

/// At most this many readings of one word are kept (the first ones in reading order).
pub(crate) const MAX_READINGS: usize = 8;

/// The toneless readings of one character, default reading first, ü written v (as typed on a
/// keyboard); empty for a non-Han character.
fn char_readings(c: char) -> Vec<String> {
    match c.to_pinyin_multi() {
        Some(multi) => {
            let mut out: Vec<String> = Vec::new();
            for p in multi {
                let plain = p.plain().replace('ü', "v");
                if !out.contains(&plain) {
                    out.push(plain);
                }
            }
            out
        }
        None => Vec::new(),
    }
}

/// The toneless full readings of a Han word, syllables joined without spaces (`驾照` →
/// `["jiazhao"]`); empty when a character has no reading.
pub(crate) fn full_readings(word: &str) -> Vec<String> {
    readings(word, |s| s.to_owned())
}

/// The initials of a Han word (`驾驶证` → `["jsz"]`), one per reading combination.
pub(crate) fn initial_readings(word: &str) -> Vec<String> {
    readings(word, |s| s.chars().next().map(String::from).unwrap_or_default())
}

fn readings(word: &str, part: impl Fn(&str) -> String) -> Vec<String> {
    let mut acc: Vec<String> = vec![String::new()];
    for c in word.chars() {
        let rs = char_readings(c);
        if rs.is_empty() {
            return Vec::new();
        }
        let mut next = Vec::new();
        for prefix in &acc {
            for r in &rs {
                let s = format!("{prefix}{}", part(r));
                if !next.contains(&s) {
                    next.push(s);
                }
                if next.len() >= MAX_READINGS {
                    break;
                }
            }
            if next.len() >= MAX_READINGS {
                break;
            }
        }
        acc = next;
    }
    acc
}

/// Every toneless Mandarin syllable (the standard table), used to tell a pinyin query from
/// an English one and to step over a syllable that names no known word.
const SYLLABLES: &str = "a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu \
ca cai can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai \
chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia \
dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fo fou fu \
ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he \
hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu \
ju juan jue jun ka kai kan kang kao ke ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan \
lang lao le lei leng li lia lian liang liao lie lin ling liu long lou lu luan lun luo lv lve ma mai man \
mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni \
nian niang niao nie nin ning niu nong nou nu nuan nuo nv nve o ou pa pai pan pang pao pei pen peng pi \
pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang \
rao re ren reng ri rong rou ru ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao \
she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo \
ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen \
weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying \
yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen \
zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo";

/// Whether `s` is one toneless syllable.
pub(crate) fn is_syllable(s: &str) -> bool {
    SYLLABLES.split(' ').any(|x| x == s)
}

/// The longest syllable, in letters.
pub(crate) const MAX_SYLLABLE: usize = 6;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_pinyin_of_words() {
        assert_eq!(full_readings("驾照").first().map(String::as_str), Some("jiazhao"));
        assert_eq!(full_readings("护照").first().map(String::as_str), Some("huzhao"));
        assert!(full_readings("户口").contains(&"hukou".to_owned()));
        // 行 reads xing and hang: both kept.
        let bank = full_readings("银行");
        assert!(bank.contains(&"yinhang".to_owned()), "{bank:?}");
        assert!(full_readings("abc").is_empty());
        assert_eq!(full_readings("律师").first().map(String::as_str), Some("lvshi"));
    }

    #[test]
    fn initials_of_words() {
        assert!(initial_readings("驾驶证").contains(&"jsz".to_owned()));
        assert!(initial_readings("护照").contains(&"hz".to_owned()));
        assert!(initial_readings("社保卡").contains(&"sbk".to_owned()));
    }

    #[test]
    fn syllables() {
        assert!(is_syllable("zhuang"));
        assert!(is_syllable("lv"));
        assert!(!is_syllable("pass"));
        assert!(SYLLABLES.split(' ').all(|s| s.len() <= MAX_SYLLABLE));
    }

    #[test]
    fn readings_are_capped() {
        // Eight characters of several readings each would be hundreds of combinations.
        assert!(full_readings("行长重长行重长行").len() <= MAX_READINGS);
    }
}
