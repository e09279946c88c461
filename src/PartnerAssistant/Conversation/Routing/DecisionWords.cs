using System.Text.RegularExpressions;

namespace PartnerAssistant.Conversation.Routing;

/// <summary>
/// Which way a request decides, by its words: "decline", "turn down", "send it back", "don't", "hold" refuse; "approve",
/// "accept", "ok", "go ahead", "checks out" approve. The decisions that come in pairs (approve / reject a registration,
/// a request, a claim; confirm / hold a tier change) share nearly all their other words, so the router's scores
/// cannot tell them apart: the first such word in the message does. Rules, no model: the words are few and fixed.
/// </summary>
public static partial class DecisionWords
{
    public static DecisionPolarity Of(string text)
    {
        var lower = text.ToLowerInvariant().Replace('’', '\'');
        var refuse = Refuse().Match(lower);
        var approve = Approve().Match(lower);
        return (refuse.Success, approve.Success) switch
        {
            (false, false) => DecisionPolarity.None,
            (true, false) => DecisionPolarity.Refuse,
            (false, true) => DecisionPolarity.Approve,
            // "decline DR-1041, Bluewave was approved first": the first decision word is the one asked for, unless only the
            // other side is said as a command ("DR-1044 clashes with Skyway's approved registration, decline it").
            _ => (RefuseCommand().IsMatch(lower), ApproveCommand().IsMatch(lower)) switch
            {
                (true, false) => DecisionPolarity.Refuse,
                (false, true) => DecisionPolarity.Approve,
                _ => refuse.Index <= approve.Index ? DecisionPolarity.Refuse : DecisionPolarity.Approve,
            },
        };
    }

    /// <summary>A decision asked for with its bare verb ("decline it", "please approve"), rather than one described ("Skyway's
    /// approved registration", "the customer isn't registered", "on hold"). A verb denied ("don't approve it", "do not reject")
    /// asks for nothing.</summary>
    [GeneratedRegex(@"(?<!\b(?:not|never)\s+|n't\s+)\b(?:decline|reject|refuse|deny)\b")]
    private static partial Regex RefuseCommand();

    [GeneratedRegex(@"(?<!\b(?:not|never)\s+|n't\s+)\b(?:approve|accept|grant|green[\s-]?light|sign off|go ahead)\b")]
    private static partial Regex ApproveCommand();

    // A bare "no" counts only on its own ("DR-1044 is a no, …"), not in "no conflict, approve".
    [GeneratedRegex(@"\b(?:declin(?:e|ed|ing)|reject(?:ed|ing)?|refus(?:e|ed|ing)|den(?:y|ied)|turn(?:ed)?\s+(?:(?:it|them|this|that|the\s+\w+)\s+)?down|say\s+no|no(?=\s*(?:[,.;:!-]|$))|nope|not\s+(?:ok|okay|fine|good|acceptable|approved|eligible|enough)|(?:is|are|does|do|ca|wo|could|should)n't|cannot|do\s+not|sen[dt]\s+(?:(?:it|this|that|them|the\s+\w+)\s+)?back|bin|scrap|kill|nuke|hold|on\s+hold|postpone|keep\s+\w+\s+at|leave\s+\w+\s+at)\b")]
    private static partial Regex Refuse();

    [GeneratedRegex(@"\b(?:approv(?:e|ed|ing)|accept(?:ed|ing)?|ok(?:ay)?(?:ed)?|grant(?:ed)?|green[\s-]?light|sign(?:ed)?\s+off|go\s+ahead|confirm(?:ed)?|yes|fine|checks?\s+out|in\s+order|looks?\s+good|good\s+to\s+go)\b")]
    private static partial Regex Approve();
}
