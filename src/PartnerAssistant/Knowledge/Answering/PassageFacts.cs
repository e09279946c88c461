using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace PartnerAssistant.Knowledge.Answering;

/// <summary>
/// What each unit of a passage says whatever the question (its words, the kinds of fact it carries, whether it is
/// boilerplate, the terms it defines), read once per passage and kept as the sentence vectors are: the composer and
/// the scope check read the same passages on the same turn, and reading costs more than scoring.
/// </summary>
public sealed partial class PassageFacts
{
    /// <summary>One unit's facts: its words (a list item's with its lead-in), the kinds of fact it carries, whether it is
    /// boilerplate, its text normalised for spotting repeats, and the terms it defines.</summary>
    public sealed record Unit(IReadOnlySet<string> Stems, AnswerKind Carries, bool Boilerplate, string Key, IReadOnlyList<HashSet<string>> Defines);

    /// <summary>Passages whose units' facts stay in memory; beyond that the cache starts over.</summary>
    private const int CachedPassages = SentenceVectors.CachedPassages;

    private readonly ConcurrentDictionary<(Guid ChunkId, string Fingerprint), Unit[]> _facts = new();

    /// <summary>The facts of every unit of a cut passage, by unit index.</summary>
    public IReadOnlyList<Unit> Of(PassageCut cut)
    {
        if (_facts.TryGetValue((cut.ChunkId, cut.Fingerprint), out var known))
        {
            return known;
        }

        if (_facts.Count >= CachedPassages)
        {
            _facts.Clear();
        }

        return _facts[(cut.ChunkId, cut.Fingerprint)] = cut.Units.Select(unit => new Unit(
            QuestionAsks.Stems(PassageSentences.WordsOf(cut.Units, unit)),
            QuestionAsks.Carries(unit.Text),
            BoilerplatePattern().IsMatch(unit.Text),
            NormalizedText().Replace(unit.Text.ToLowerInvariant(), ""),
            DefinedTerms(unit.Text))).ToArray();
    }

    /// <summary>The terms a unit defines, as stems: a glossary entry's ("PRM — partner relationship management platform…")
    /// or an abbreviation spelt out in brackets ("A PRM (partner relationship management) system is…", "value-added
    /// resellers (VARs)").</summary>
    public static List<HashSet<string>> DefinedTerms(string text)
    {
        var terms = new List<HashSet<string>>();
        if (GlossaryEntry().Match(text) is { Success: true } entry && QuestionAsks.Stems(entry.Groups["term"].Value) is { Count: > 0 } term)
        {
            terms.Add(term);
        }

        terms.AddRange(SpeltOut().Matches(text).Select(spelt => QuestionAsks.Stems(spelt.Groups["short"].Value)).Where(abbreviation => abbreviation.Count == 1));
        return terms;
    }

    /// <summary>Whether one of a passage's units spells an abbreviation out (<see cref="DefinedTerms"/>), also in the plural
    /// ("value-added resellers (VARs)").</summary>
    public static bool SpellsOut(string passage, string abbreviation) =>
        QuestionAsks.Stems(abbreviation) is { Count: 1 } stems && stems.First() is var stem
        && PassageSentences.Split(passage).Any(unit => DefinedTerms(unit.Text).Any(term => term.Contains(stem) || term.Contains(stem + "s")));

    /// <summary>Sentences that belong to no answer: thanks, greetings, reviews, ratings, legal lines.</summary>
    [GeneratedRegex(@"^(thank you|thanks) (for|again)|^congratulations\b|^we hope\b|^enjoy (your|the)\b|^welcome to\b|\ball rights reserved\b|©|\bcopyright\b|\bcustomer reviews?\b|\b\d(\.\d)? (out of|/) 5\b|★|\bwas this (page|answer|article) helpful\b|\bfollow us\b|^please (read|keep|retain) (these|this|the) (instructions|manual|guide)\b", RegexOptions.IgnoreCase)]
    private static partial Regex BoilerplatePattern();

    [GeneratedRegex(@"[^a-z0-9]+")]
    private static partial Regex NormalizedText();

    [GeneratedRegex(@"^(?:an? |the )?(?<term>[\w&/.-]+(?: [\w&/.-]+){0,3}) (?:—|–|-|:) ")]
    private static partial Regex GlossaryEntry();

    [GeneratedRegex(@"\b(?<short>[A-Z][A-Za-z0-9-]{1,9})\s+\([a-z][^)]{3,80}\)|\b[a-z][\w -]{3,80}\s+\((?<short>[A-Z][A-Za-z0-9-]{1,9})\)")]
    private static partial Regex SpeltOut();
}
