using System.Text;
using System.Text.RegularExpressions;

namespace PartnerAssistant.Knowledge.Documents;

/// <summary>One passage cut from a document, before it is embedded.</summary>
public sealed record TextChunk(int Ordinal, string Section, string Anchor, string Text)
{
    /// <summary>What the model embeds: the passage with its document title and section, so a short
    /// passage ("It starts at Gold.") still carries what it is about.</summary>
    public string EmbeddingText(string title) =>
        Section.Length == 0 ? $"{title}\n{Text}" : $"{title} — {Section}\n{Text}";
}

/// <summary>
/// Heading-aware chunking: every section (a heading and the text up to the next heading) becomes
/// one passage; a section longer than <c>maxWords</c> is split at paragraph, then sentence, borders
/// into passages that repeat the last <c>overlapWords</c> of the previous one, so a fact that
/// straddles a border is whole in at least one passage.
/// </summary>
public sealed partial class MarkdownChunker(int maxWords, int overlapWords)
{
    public IReadOnlyList<TextChunk> Chunk(KnowledgeDocument document)
    {
        var chunks = new List<TextChunk>();
        foreach (var section in Sections(document.Markdown))
        {
            foreach (var text in Split(section.Paragraphs))
            {
                chunks.Add(new TextChunk(chunks.Count, section.Path, section.Anchor, text));
            }
        }

        return chunks;
    }

    private sealed record Section(string Path, string Anchor, List<string> Paragraphs);

    private static IEnumerable<Section> Sections(string markdown)
    {
        var headings = new string?[7];
        var current = new Section("", "", []);
        var paragraph = new StringBuilder();
        var inFence = false;

        void EndParagraph()
        {
            var text = Clean(paragraph.ToString());
            if (text.Length > 0)
            {
                current.Paragraphs.Add(text);
            }

            paragraph.Clear();
        }

        foreach (var raw in markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            var heading = inFence ? null : HeadingPattern().Match(line);
            if (heading is { Success: true })
            {
                EndParagraph();
                if (current.Paragraphs.Count > 0)
                {
                    yield return current;
                }

                var level = heading.Groups[1].Length;
                var title = Clean(heading.Groups[2].Value);
                headings[level] = title;
                for (var deeper = level + 1; deeper < headings.Length; deeper++)
                {
                    headings[deeper] = null;
                }

                // The document title (H1) names the document, not a section; sections are the headings below it.
                var path = string.Join(" › ", headings.Skip(2).OfType<string>());
                current = new Section(path, level == 1 ? "" : Anchor(title), []);
                continue;
            }

            if (line.Trim().Length == 0)
            {
                EndParagraph();
                continue;
            }

            // List items and table rows are paragraphs of their own, so splitting keeps them whole.
            if (!inFence && ListOrRowPattern().IsMatch(line) && paragraph.Length > 0)
            {
                EndParagraph();
            }

            paragraph.Append(paragraph.Length == 0 ? "" : " ").Append(line.Trim());
        }

        EndParagraph();
        if (current.Paragraphs.Count > 0)
        {
            yield return current;
        }
    }

    private IEnumerable<string> Split(List<string> paragraphs)
    {
        // Units are paragraphs, or sentences of a paragraph that alone is too long.
        var units = new List<string>();
        foreach (var paragraph in paragraphs)
        {
            if (WordCount(paragraph) <= maxWords)
            {
                units.Add(paragraph);
                continue;
            }

            foreach (var sentence in Sentences(paragraph))
            {
                units.AddRange(WordCount(sentence) <= maxWords ? [sentence] : Windows(sentence));
            }
        }

        var passage = new List<string>();
        var words = 0;
        var fresh = 0;
        foreach (var unit in units)
        {
            var unitWords = WordCount(unit);
            if (fresh > 0 && words + unitWords > maxWords)
            {
                yield return string.Join("\n", passage);
                var overlap = Overlap(passage);
                passage = overlap.Length > 0 ? [overlap] : [];
                words = WordCount(overlap);
                fresh = 0;
            }

            passage.Add(unit);
            words += unitWords;
            fresh++;
        }

        // A passage holding only the overlap repeats what the previous one said; it is not emitted.
        if (fresh > 0)
        {
            yield return string.Join("\n", passage);
        }
    }

    /// <summary>The last whole sentences of a passage that fit in the overlap (or its last words when one sentence is longer).</summary>
    private string Overlap(List<string> passage)
    {
        if (overlapWords == 0)
        {
            return "";
        }

        var sentences = passage.SelectMany(Sentences).ToList();
        var taken = new List<string>();
        var count = 0;
        for (var i = sentences.Count - 1; i >= 0; i--)
        {
            var sentenceWords = WordCount(sentences[i]);
            if (count + sentenceWords > overlapWords)
            {
                break;
            }

            taken.Insert(0, sentences[i]);
            count += sentenceWords;
        }

        if (taken.Count > 0)
        {
            return string.Join(" ", taken);
        }

        var last = sentences.LastOrDefault()?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return string.Join(' ', last.Skip(Math.Max(0, last.Length - overlapWords)));
    }

    private IEnumerable<string> Windows(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var step = Math.Max(1, maxWords - overlapWords);
        for (var start = 0; start < words.Length; start += step)
        {
            yield return string.Join(' ', words.Skip(start).Take(maxWords));
            if (start + maxWords >= words.Length)
            {
                yield break;
            }
        }
    }

    /// <summary>Splits text into sentences at '.', '!' or '?' followed by a space and a capital, digit or quote.</summary>
    public static IEnumerable<string> Sentences(string text) =>
        SentenceBorder().Split(text).Select(s => s.Trim()).Where(s => s.Length > 0);

    public static int WordCount(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>A GitHub-style heading anchor: lower case, punctuation dropped, spaces to hyphens.</summary>
    public static string Anchor(string heading)
    {
        var builder = new StringBuilder(heading.Length);
        foreach (var c in heading.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                builder.Append(c);
            }
            else if (c == ' ')
            {
                builder.Append('-');
            }
        }

        return builder.ToString();
    }

    /// <summary>Markdown emphasis, inline code and link syntax removed; the words stay.</summary>
    public static string Clean(string text)
    {
        text = LinkPattern().Replace(text, "$1");
        text = text.Replace("**", "", StringComparison.Ordinal).Replace("__", "", StringComparison.Ordinal).Replace("`", "", StringComparison.Ordinal);
        return string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.+?)\s*#*$")]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"^\s*([-*+]\s|\d+[.)]\s|\|)")]
    private static partial Regex ListOrRowPattern();

    [GeneratedRegex(@"(?<=[.!?])\s+(?=[A-Z0-9""“(])")]
    private static partial Regex SentenceBorder();

    [GeneratedRegex(@"!?\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex LinkPattern();
}
