using System.Globalization;
using System.Text.RegularExpressions;

namespace PartnerAssistant.Conversation.LanguageModel;

/// <summary>Numbered citation markers (<c>[3]</c>) in model-written text: which ones are real, and renumbering.</summary>
public static partial class Citations
{
    /// <summary>The marker numbers in a text, in order of first appearance.</summary>
    public static IReadOnlyList<int> Numbers(string text) =>
        Marker().Matches(text).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct().ToList();

    /// <summary>Removes markers whose number is not among <paramref name="known"/>; keeps the others as they are.</summary>
    public static string KeepKnown(string text, IReadOnlySet<int> known) =>
        Tidy(Marker().Replace(text, m => known.Contains(Number(m)) ? m.Value : ""));

    /// <summary>Keeps the markers that name one of <paramref name="available"/>, renumbered 1, 2, 3 in the order
    /// they first appear; drops the rest. Returns the text and the kept numbers in their new order.</summary>
    public static (string Text, IReadOnlyList<int> Kept) Renumber(string text, IReadOnlySet<int> available)
    {
        var order = new Dictionary<int, int>();
        foreach (var number in Numbers(text))
        {
            if (available.Contains(number))
            {
                order[number] = order.Count + 1;
            }
        }

        var renumbered = Marker().Replace(text, m => order.TryGetValue(Number(m), out var n) ? $"[{n}]" : "");
        return (Tidy(renumbered), order.OrderBy(kv => kv.Value).Select(kv => kv.Key).ToList());
    }

    private static int Number(Match marker) => int.Parse(marker.Groups[1].Value, CultureInfo.InvariantCulture);

    // A dropped marker leaves "word ." or "word  next"; put the punctuation back against the word.
    private static string Tidy(string text) => SpaceBeforePunctuation().Replace(DoubleSpace().Replace(text, " "), "$1").Trim();

    [GeneratedRegex(@"\[(\d{1,3})\]")]
    private static partial Regex Marker();

    [GeneratedRegex(@"[ \t]{2,}")]
    private static partial Regex DoubleSpace();

    [GeneratedRegex(@"[ \t]+([.,;:!?])")]
    private static partial Regex SpaceBeforePunctuation();
}
