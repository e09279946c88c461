using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using PartnerAssistant.Knowledge.Documents;

namespace PartnerAssistant.Knowledge.Answering;

/// <summary>What a unit of a passage is, which decides how an answer may use it.</summary>
public enum SentenceKind
{
    /// <summary>A sentence of running text.</summary>
    Sentence,

    /// <summary>A sentence that introduces a list or table ("Gold benefits:"); said only together with its items.</summary>
    LeadIn,

    /// <summary>One item of a bulleted or numbered list; said after its lead-in.</summary>
    ListItem,

    /// <summary>One row of a table, written out with its column headings ("tier Silver — accrual: 3 %").</summary>
    TableRow,

    /// <summary>A question the document asks itself (an FAQ entry); it is not an answer, the sentence after it is.</summary>
    Question,
}

/// <summary>One unit an extractive answer can quote: a sentence, a list item or a table row.</summary>
/// <param name="Index">Position in the passage, from 0.</param>
/// <param name="Text">The words as the answer shows them.</param>
/// <param name="Kind">What the unit is.</param>
/// <param name="LeadIn">Index of the lead-in a list item or table row belongs to; -1 when none is in the passage.</param>
public sealed record PassageSentence(int Index, string Text, SentenceKind Kind, int LeadIn)
{
    public int Words { get; } = MarkdownChunker.WordCount(Text);
}

/// <summary>A passage cut into units, with its heading: what is embedded for it, and the fingerprint of that.</summary>
public sealed record PassageCut(Guid ChunkId, string Heading, IReadOnlyList<PassageSentence> Units)
{
    /// <summary>The units' texts as embedded, then the heading.</summary>
    public IReadOnlyList<string> Texts { get; } = PassageSentences.EmbeddingTexts(Heading, Units);

    public string Fingerprint { get; } = PassageSentences.Fingerprint(Heading, Units);

    public static PassageCut Of(Guid chunkId, string text, string section, string title) =>
        new(chunkId, PassageSentences.Heading(section, title), PassageSentences.Split(text));
}

/// <summary>
/// Cuts a passage into the units an answer quotes, the same way at ingest (where each unit is
/// embedded once and its vector stored) and at answer time (where the stored vectors are matched
/// back by position). <see cref="Fingerprint"/> changes whenever the cut or the embedded text
/// would, so vectors stored by an older cut are never matched to the wrong sentence.
/// </summary>
public static partial class PassageSentences
{
    /// <summary>Bumped when the cut or the embedded text changes; every fingerprint starts with it, so
    /// ingestion can tell rows of an older cut and embed those passages again.</summary>
    public const string Version = "v6";

    /// <summary>The passage's units in document order.</summary>
    public static IReadOnlyList<PassageSentence> Split(string passage)
    {
        var units = new List<PassageSentence>();
        var lastLeadIn = -1;
        string[]? tableHeader = null;
        var previousWasTable = false;
        var previousWasItem = false;
        foreach (var raw in passage.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('|'))
            {
                var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
                if (cells.All(c => c.Length == 0 || TableRule().IsMatch(c)))
                {
                    continue;
                }

                if (!previousWasTable)
                {
                    // The first row of a table names its columns; it is not itself a fact. A table right
                    // after a list is not introduced by the list's lead-in.
                    tableHeader = cells;
                    previousWasTable = true;
                    lastLeadIn = previousWasItem ? -1 : lastLeadIn;
                    previousWasItem = false;
                    continue;
                }

                units.Add(new PassageSentence(units.Count, Row(tableHeader, cells), SentenceKind.TableRow, lastLeadIn));
                continue;
            }

            var item = ListMarker().Match(line);
            if (item.Success)
            {
                // Likewise a list right after a table.
                lastLeadIn = tableHeader is not null ? -1 : lastLeadIn;
                previousWasTable = false;
                tableHeader = null;
                previousWasItem = true;
                var text = line[item.Length..].Trim();
                if (text.Length > 0)
                {
                    units.Add(new PassageSentence(units.Count, text, SentenceKind.ListItem, lastLeadIn));
                }

                continue;
            }

            previousWasTable = false;
            previousWasItem = false;
            tableHeader = null;
            lastLeadIn = -1;
            var sentences = MarkdownChunker.Sentences(line).ToList();
            for (var s = 0; s < sentences.Count; s++)
            {
                var sentence = sentences[s];
                // A paragraph that opens with a question and goes on to answer it is an FAQ entry; a
                // question inside running text ("It asks: … how much did each add?") is just a sentence.
                var kind = sentence.EndsWith(':') ? SentenceKind.LeadIn
                    : sentence.EndsWith('?') && s == 0 && sentences.Count > 1 ? SentenceKind.Question
                    : SentenceKind.Sentence;
                units.Add(new PassageSentence(units.Count, sentence, kind, -1));
                lastLeadIn = kind == SentenceKind.LeadIn ? units.Count - 1 : -1;
            }
        }

        return units;
    }

    /// <summary>
    /// What the model embeds for a passage: each unit after its document title and section ("Northbeam
    /// Builders Cup — Judging: A jury of three…", so a sentence is matched with what it is about, not only
    /// its own words), then the heading alone. List items and table rows also carry their lead-in, so
    /// "4 % MDF accrual" is stored as being about Gold benefits; the heading's own vector tells whether the
    /// section is about what was asked.
    /// </summary>
    public static IReadOnlyList<string> EmbeddingTexts(string heading, IReadOnlyList<PassageSentence> units)
    {
        var texts = new List<string>(units.Count + 1);
        foreach (var unit in units)
        {
            var own = unit.Kind == SentenceKind.LeadIn ? ListText(units, unit)
                : unit.LeadIn >= 0 ? $"{units[unit.LeadIn].Text} {unit.Text}"
                : unit.Text;
            texts.Add(heading.Length > 0 ? $"{heading}: {own}" : own);
        }

        texts.Add(heading);
        return texts;
    }

    /// <summary>A lead-in stands for its list ("A request contains: the activity; a short plan; …"), so it is
    /// embedded with the start of its items: alone it says almost nothing.</summary>
    private static string ListText(IReadOnlyList<PassageSentence> units, PassageSentence leadIn)
    {
        var text = new StringBuilder(leadIn.Text);
        var words = leadIn.Words;
        foreach (var item in units.Where(u => u.LeadIn == leadIn.Index))
        {
            if (words > 60)
            {
                break;
            }

            text.Append(' ').Append(item.Text);
            words += item.Words;
        }

        return text.ToString();
    }

    /// <summary>The words a unit is about, for matching the question's words: its own, and its lead-in's.</summary>
    public static string WordsOf(IReadOnlyList<PassageSentence> units, PassageSentence unit) =>
        unit.Kind == SentenceKind.LeadIn ? ListText(units, unit)
        : unit.LeadIn >= 0 ? $"{units[unit.LeadIn].Text} {unit.Text}"
        : unit.Text;

    /// <summary>The document title and the last part of the section path ("Partner tiers — Gold tier"): a heading
    /// like "Judging" means little without the document it belongs to.</summary>
    public static string Heading(string section, string title) =>
        section.Length > 0 ? $"{title} — {section.Split(" › ")[^1]}" : title;

    /// <summary>A short hash of the cut: equal fingerprints mean the same texts embedded in the same order.</summary>
    public static string Fingerprint(string heading, IReadOnlyList<PassageSentence> units)
    {
        var text = new StringBuilder(Version);
        foreach (var (embedded, kind) in EmbeddingTexts(heading, units).Zip(units.Select(u => (int)u.Kind).Append(-1)))
        {
            text.Append('\n').Append(kind).Append(' ').Append(embedded);
        }

        return Version + ":" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 8));
    }

    private static string Row(string[]? header, string[] cells)
    {
        if (header is null || header.Length != cells.Length || cells.Length < 2)
        {
            return string.Join(" — ", cells.Where(c => c.Length > 0));
        }

        var rest = Enumerable.Range(1, cells.Length - 1).Select(i => $"{header[i]}: {cells[i]}");
        return $"{header[0]} {cells[0]} — {string.Join("; ", rest)}";
    }

    [GeneratedRegex(@"^([-*+]|\d{1,2}[.)])\s+")]
    private static partial Regex ListMarker();

    [GeneratedRegex(@"^:?-{3,}:?$")]
    private static partial Regex TableRule();
}
