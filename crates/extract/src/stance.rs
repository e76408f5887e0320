//! Who acted on whom, when the sentence says so. "HTS fighters attacked regime positions" makes
//! HTS the perpetrator and the government the target; "regime positions were shelled by HTS"
//! and "the army repelled an HTS attack" say the same. "Clashes between the army and HTS" names
//! two parties and no attacker, and neither gets a stance.

use crate::text::Token;

/// A party the sentence says acted.
pub const PERPETRATOR: &str = "perpetrator";
/// A party the sentence says was acted on.
pub const TARGET: &str = "target";

/// Verbs and nouns of one party acting on another, as folded.
const ACTS: &[&str] = &[
    "attack",
    "attacked",
    "attacking",
    "attacks",
    "assault",
    "assaulted",
    "ambush",
    "ambushed",
    "raid",
    "raided",
    "stormed",
    "shelled",
    "targeted",
    "targeting",
    "struck",
    "bombed",
    "bombarded",
    "pounded",
    "hit",
    "shot",
    "sniped",
    "executed",
    "killed",
    "injured",
    "wounded",
    "abducted",
    "kidnapped",
    "arrested",
    "detained",
    "besieged",
    "offensive",
    // Arabic: shelled, targeted, attacked, raided, stormed, launched.
    "قصف",
    "قصفت",
    "استهدف",
    "استهدفت",
    "هاجم",
    "هاجمت",
    "اغارت",
    "اقتحم",
    "اقتحمت",
    "شنت",
];

/// Verbs of casualties: with "by" they name who caused them; without, only who suffered.
const CASUALTIES: &[&str] = &["killed", "injured", "wounded"];

/// Verbs of a party fending off another's attack: the one named after them attacked.
const DEFENDS: &[&str] = &[
    "repelled", "repulsed", "thwarted", "foiled", "fended", "resisted", "صد", "صدت", "تصدت",
];

/// Words of fighting with no attacker: the parties are parties only.
const MUTUAL: &[&str] = &[
    "clash",
    "clashed",
    "clashes",
    "fought",
    "fighting",
    "battled",
    "battles",
    "exchanged",
    "اشتباكات",
    "اشتبكت",
    "معارك",
];

/// The words that make the verb after them passive ("were attacked").
const BE: &[&str] = &["was", "were", "been", "being", "is", "are"];

/// How far after a lone party its verb may come.
const REACH: usize = 8;

/// How far before the first party a "between" frames the sentence.
const BETWEEN_REACH: usize = 4;

/// The stances of the first party named and of the second (if any), each a token range, or
/// `None` where the sentence does not say.
pub fn of_parties(
    text: &str,
    tokens: &[Token],
    first: (usize, usize),
    second: Option<(usize, usize)>,
) -> (Option<&'static str>, Option<&'static str>) {
    let end = second.map_or((first.1 + REACH).min(tokens.len()), |s| s.0);
    // The words up to the end of the sentence: a verb after a full stop is about something else,
    // and a party in the next sentence is no object of this one's verb.
    let sentence_ends = |i: &usize| {
        let gap_start = i
            .checked_sub(1)
            .and_then(|before| tokens.get(before))
            .map_or(0, |t| t.end);
        text.get(gap_start..tokens[*i].start)
            .is_some_and(|gap| gap.contains(['.', ';', '!', '?']))
    };
    // With a second party, the break may also fall just before it.
    let checked = if second.is_some() { end + 1 } else { end };
    let cut = (first.1.min(end)..checked).find(sentence_ends);
    if second.is_some() && cut.is_some() {
        return (None, None);
    }
    let cut = cut.unwrap_or(end);
    let between = &tokens[first.1.min(cut)..cut];
    // "Clashes between X and Y ... as X launched attacks": the sentence frames both as parties.
    let framed_as_parties = tokens[first.0.saturating_sub(BETWEEN_REACH)..first.0]
        .iter()
        .any(|t| matches!(t.folded.as_str(), "between" | "بين"));
    if framed_as_parties {
        return (None, None);
    }
    let acted_on_first = (Some(TARGET), second.map(|_| PERPETRATOR));
    let first_acted = (Some(PERPETRATOR), second.map(|_| TARGET));
    for (at, token) in between.iter().enumerate() {
        let word = token.folded.as_str();
        if MUTUAL.contains(&word) {
            return (None, None);
        }
        if DEFENDS.contains(&word) {
            return acted_on_first;
        }
        // "came under attack", "under fire".
        if word == "under"
            && between.get(at + 1).is_some_and(|t| {
                matches!(
                    t.folded.as_str(),
                    "attack" | "fire" | "shelling" | "bombardment" | "siege" | "assault"
                )
            })
        {
            return acted_on_first;
        }
        if ACTS.contains(&word) {
            let before = &between[at.saturating_sub(2)..at];
            // "were attacked", not "are attacking".
            let participle = word.ends_with("ed") || matches!(word, "struck" | "hit" | "shot");
            let be_before = participle && before.iter().any(|t| BE.contains(&t.folded.as_str()));
            // "an attack by IS", "the attack of the factions": the group's own attack.
            let noun = matches!(word, "attack" | "assault" | "offensive" | "raid" | "ambush");
            let by_follows = between
                .get(at + 1)
                .is_some_and(|t| t.folded == "by" || (noun && t.folded == "of"));
            // "fighters were killed in clashes with IS" says who died, not who killed them.
            if be_before && !by_follows && CASUALTIES.contains(&word) {
                continue;
            }
            let passive = be_before || by_follows;
            return if passive { acted_on_first } else { first_acted };
        }
    }
    // Arabic puts the verb first: "قصفت قوات النظام مواقع الهيئة".
    if second.is_some()
        && tokens[first.0.saturating_sub(2)..first.0]
            .iter()
            .any(|t| t.arabic && ACTS.contains(&t.folded.as_str()))
    {
        return first_acted;
    }
    (None, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    /// The stances of two parties given by their words.
    fn stances(
        text: &str,
        first: &str,
        second: Option<&str>,
    ) -> (Option<&'static str>, Option<&'static str>) {
        let tokens = tokenize(text);
        let range = |words: &str| {
            let start = text.find(words).expect("the party's words");
            let end = start + words.len();
            let from = tokens
                .iter()
                .position(|t| t.start <= start && start < t.end)
                .expect("a start");
            let to = tokens.iter().position(|t| t.end == end).expect("an end") + 1;
            (from, to)
        };
        of_parties(text, &tokens, range(first), second.map(range))
    }

    #[test]
    fn an_active_verb_makes_the_first_party_the_perpetrator() {
        assert_eq!(
            stances(
                "HTS fighters attacked regime positions",
                "HTS",
                Some("regime")
            ),
            (Some(PERPETRATOR), Some(TARGET))
        );
        assert_eq!(
            stances("Regime forces shelled Douma.", "Regime forces", None),
            (Some(PERPETRATOR), None)
        );
        assert_eq!(
            stances(
                "Regime forces held Douma. Shells hit",
                "Regime forces",
                None
            ),
            (None, None)
        );
        assert_eq!(
            stances(
                "Rebels are attacking the SDF near Afrin",
                "Rebels",
                Some("SDF")
            ),
            (Some(PERPETRATOR), Some(TARGET))
        );
    }

    #[test]
    fn a_passive_verb_or_a_defence_makes_the_first_party_the_target() {
        assert_eq!(
            stances("Army posts were shelled by IS", "Army", Some("IS")),
            (Some(TARGET), Some(PERPETRATOR))
        );
        assert_eq!(
            stances("A soldier was wounded by a sniper shot", "soldier", None),
            (Some(TARGET), None)
        );
        assert_eq!(
            stances(
                "The army retook areas lost in the attack of HTS",
                "army",
                Some("HTS")
            ),
            (Some(TARGET), Some(PERPETRATOR))
        );
        assert_eq!(
            stances("The army repelled an attack by HTS", "army", Some("HTS")),
            (Some(TARGET), Some(PERPETRATOR))
        );
        assert_eq!(
            stances(
                "SDF positions came under fire from Turkish forces",
                "SDF",
                Some("Turkish")
            ),
            (Some(TARGET), Some(PERPETRATOR))
        );
    }

    #[test]
    fn a_clash_names_parties_and_no_attacker() {
        assert_eq!(
            stances("Regime forces clashed with IS", "Regime forces", Some("IS")),
            (None, None)
        );
        assert_eq!(
            stances("Regime forces and IS fighters", "Regime forces", Some("IS")),
            (None, None)
        );
        // "Between X and Y" frames both as parties, whatever they did later in the sentence.
        assert_eq!(
            stances(
                "Clashes between regime forces and HTS as regime forces attacked",
                "regime forces",
                Some("HTS")
            ),
            (None, None)
        );
        // Dead in a clash are no target of the other party.
        assert_eq!(
            stances(
                "Five SDF fighters were killed in clashes with IS",
                "SDF",
                Some("IS")
            ),
            (None, None)
        );
        // A verb in the next sentence is about something else.
        assert_eq!(
            stances(
                "IS attacked. Regime forces held",
                "IS",
                Some("Regime forces")
            ),
            (None, None)
        );
        assert_eq!(
            stances(
                "Regime forces held the town. IS attacked",
                "Regime forces",
                Some("IS")
            ),
            (None, None)
        );
    }

    #[test]
    fn arabic_says_who_acted_with_its_verb_first_or_between() {
        assert_eq!(
            stances(
                "قصفت قوات النظام مواقع هيئة تحرير الشام",
                "قوات النظام",
                Some("هيئة تحرير الشام")
            ),
            (Some(PERPETRATOR), Some(TARGET))
        );
        assert_eq!(
            stances(
                "اشتباكات بين قوات النظام وهيئة تحرير الشام",
                "قوات النظام",
                Some("هيئة تحرير الشام")
            ),
            (None, None)
        );
    }
}
