namespace PartnerAssistant.Conversation;

/// <summary>Reads short answers to the assistant's own questions: yes or no, and which option.</summary>
public static class Answers
{
    private static readonly HashSet<string> Yes = ["yes", "y", "yep", "yeah", "sure", "ok", "okay", "confirm", "confirmed", "go ahead", "do it", "yes please", "please do", "correct"];
    private static readonly HashSet<string> No = ["no", "n", "nope", "cancel", "stop", "don't", "do not", "no thanks", "never mind", "nevermind", "none", "neither"];
    private static readonly string[] Ordinals = ["first", "second", "third", "fourth", "fifth"];

    public static bool IsYes(string text) => Yes.Contains(Normalize(text));

    public static bool IsNo(string text) => No.Contains(Normalize(text));

    /// <summary>The option chosen by number ("2"), ordinal ("the second one") or its own words; null if none.</summary>
    public static int? Choice(string text, IReadOnlyList<string> options)
    {
        var normalized = Normalize(text);
        if (int.TryParse(normalized, out var number) && number >= 1 && number <= options.Count)
        {
            return number - 1;
        }

        for (var i = 0; i < Math.Min(options.Count, Ordinals.Length); i++)
        {
            if (normalized == Ordinals[i] || normalized == $"the {Ordinals[i]}" || normalized == $"the {Ordinals[i]} one" || normalized == $"{Ordinals[i]} one")
            {
                return i;
            }
        }

        for (var i = 0; i < options.Count; i++)
        {
            if (string.Equals(normalized, Normalize(options[i]), StringComparison.Ordinal))
            {
                return i;
            }
        }

        return null;
    }

    private static string Normalize(string text) =>
        string.Join(' ', text.Trim().TrimEnd('.', '!', '?').ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
