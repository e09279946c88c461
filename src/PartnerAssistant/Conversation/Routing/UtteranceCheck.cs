using System.Globalization;
using System.Text;

namespace PartnerAssistant.Conversation.Routing;

/// <summary>
/// What a message must be before it is routed: text (lone surrogates and control characters dropped),
/// not only emoji or symbols, not longer than <see cref="RouterOptions.MaxUtteranceLength"/>, and in
/// English. Anything else gets a reply that says what was wrong, never a guess: a pasted 5,000-character
/// e-mail is not a deal registration, and a question in German is not a request for the help menu.
/// </summary>
public static class UtteranceCheck
{
    public const string Empty = "I didn't get any text. What can I help you with?";

    public const string NoWords = "I can only read words, not emoji or symbols on their own. What can I help you with? Say \"help\" to see what I can do.";

    public const string NotEnglish = "Sorry, I understand English only for now. Please ask again in English, for example \"how long is a deal registration protected?\"";

    /// <summary>The message cleaned of characters that are not text, or the reply when it cannot be routed.</summary>
    public static (string Text, string? Problem) Check(string? utterance, int maxLength)
    {
        var text = Clean(utterance ?? "").Trim();
        if (text.Length == 0)
        {
            return ("", Empty);
        }

        if (text.Length > maxLength)
        {
            return ("", $"That message is {text.Length.ToString("N0", CultureInfo.InvariantCulture)} characters long; I read questions and requests of up to " +
                $"{maxLength.ToString("N0", CultureInfo.InvariantCulture)}. Please ask about one thing in a sentence or two. To add a document to the knowledge base, attach it as a file.");
        }

        if (!text.Any(char.IsLetterOrDigit))
        {
            return ("", NoWords);
        }

        return LooksNotEnglish(text) ? ("", NotEnglish) : (text, null);
    }

    /// <summary>Drops lone surrogates (half of an emoji, as some clients cut text) and control characters other than line breaks and tabs.</summary>
    public static string Clean(string text)
    {
        StringBuilder? cleaned = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var keep = char.IsHighSurrogate(c) ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                : char.IsLowSurrogate(c) ? i > 0 && char.IsHighSurrogate(text[i - 1])
                : !char.IsControl(c) || c is '\n' or '\t' or '\r';
            if (!keep && cleaned is null)
            {
                cleaned = new StringBuilder(text.Length).Append(text, 0, i);
            }
            else if (keep)
            {
                cleaned?.Append(c);
            }
        }

        return cleaned?.ToString() ?? text;
    }

    // English words that carry a question or request, and the most frequent words of the languages partners in the
    // program's regions write (no word that is also common in English: "was", "die", "also", "per", "met", "non", "com").
    private static readonly HashSet<string> English =
    [
        "the", "a", "an", "is", "are", "what", "how", "when", "where", "who", "which", "why", "can", "do", "does", "i", "we", "my", "our", "you",
        "your", "to", "of", "for", "on", "with", "and", "or", "it", "this", "that", "be", "have", "has", "will", "would", "should", "me", "us", "not",
        "show", "list", "please", "get", "much", "many", "long",
    ];

    private static readonly HashSet<string> OtherLanguages =
    [
        // German
        "der", "das", "und", "ist", "nicht", "ich", "wie", "kann", "ein", "eine", "einen", "mit", "für", "auf", "sind", "wir", "sie", "es", "zu", "von",
        "dem", "den", "wird", "werden", "bitte", "wann", "warum", "wo", "mein", "meine", "unsere", "unser", "haben", "nach", "auch", "noch", "schon", "lange", "gibt",
        // French
        "le", "les", "est", "et", "je", "une", "des", "pour", "comment", "combien", "quand", "nous", "vous", "avec", "dans", "sur", "pas", "que", "qui", "mon",
        "ma", "mes", "notre", "nos", "ce", "cette", "sont", "être", "avoir", "faire", "peut", "quel", "quelle", "du", "au",
        // Spanish and Portuguese
        "el", "los", "las", "es", "y", "para", "cómo", "cuánto", "cuándo", "nosotros", "por", "qué", "mi", "mis", "nuestro", "nuestra", "está", "puedo",
        "hay", "pero", "del", "al", "uma", "quanto", "quando", "nós", "não", "são", "meu", "minha", "nosso", "nossa", "posso", "como",
        // Italian
        "il", "lo", "gli", "è", "che", "di", "noi", "voi", "sono", "mio", "mia", "nostro", "nostra",
        // Dutch
        "de", "het", "een", "ik", "niet", "hoe", "kan", "voor", "op", "zijn", "wij", "jullie", "wat", "wanneer", "waarom", "mijn", "onze", "hebben", "heeft",
    ];

    /// <summary>
    /// Mostly letters of another script (Cyrillic, CJK, Arabic…), or at least two frequent words of German, French,
    /// Spanish, Portuguese, Italian or Dutch and more of those than English ones. A short check of function words,
    /// not a language model: "Hola" alone passes (and is answered as a greeting would be); a question does not.
    /// </summary>
    public static bool LooksNotEnglish(string text)
    {
        var letters = 0;
        var latin = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetter(rune))
            {
                letters++;
                latin += rune.Value < 0x250 || (rune.Value >= 0x1E00 && rune.Value < 0x1F00) ? 1 : 0;
            }
        }

        if (letters > 0 && latin * 2 < letters)
        {
            return true;
        }

        var words = AssistantVocabulary.Words(text).ToList();
        var english = words.Count(English.Contains);
        var other = words.Count(w => w.Length > 1 && OtherLanguages.Contains(w));
        return other >= 2 && other > english;
    }
}
