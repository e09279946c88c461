using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace PartnerAssistant.Conversation.LanguageModel;

/// <summary>A retrieved passage offered to the model under the number it must cite it by.</summary>
public sealed record GroundingPassage(int Number, string Title, string Section, string? Url, string Text);

/// <summary>A grounded answer: the text with citations renumbered 1..n, and the passages those numbers now
/// name (in that order); <see cref="PassageText"/> is the same text citing the passages by the numbers they
/// were offered under. Not answered when the model abstained or cited no real passage.</summary>
public sealed record GroundedAnswer(bool Answered, string Text, IReadOnlyList<GroundingPassage> Cited, string PassageText = "");

/// <summary>
/// Writes an answer from retrieved passages: the instructions (<c>prompts/assistant/grounded-answer.yaml</c>) as the
/// system message; the passages numbered [1]..[n] and the question (<c>grounded-answer-input.yaml</c>) as the user
/// message, each between tags; the model told to cite the passages and to abstain when they do not answer.
/// Afterwards only markers that name a real passage are kept, renumbered in order of use; an answer
/// that cites nothing real is treated as no answer, because nothing vouches for it.
/// </summary>
public sealed partial class GroundedAnswerWriter(ChatModel model, AssistantPrompts prompts, ILogger<GroundedAnswerWriter> logger)
{
    public const string AbstainToken = "NOT_IN_SOURCES";
    private const int MaxPassageWords = 400;

    public async Task<GroundedAnswer> WriteAsync(string question, string audience, IReadOnlyList<GroundingPassage> passages, CancellationToken cancellationToken)
    {
        if (passages.Count == 0)
        {
            return new GroundedAnswer(false, "", []);
        }

        var listed = new StringBuilder();
        foreach (var passage in passages.DistinctBy(p => p.Number))
        {
            var label = passage.Section.Length == 0 ? passage.Title : $"{passage.Title} › {passage.Section}";
            listed.Append('[').Append(passage.Number.ToString(CultureInfo.InvariantCulture)).Append("] ").AppendLine(Quoted(label));
            var words = passage.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            listed.AppendLine(Quoted(string.Join(' ', words.Take(MaxPassageWords)))).AppendLine();
        }

        // Instructions in the system message; the documents and the question, which others wrote, in the user message.
        var config = prompts[AssistantPrompts.GroundedAnswer];
        var instructions = await prompts.RenderAsync(AssistantPrompts.GroundedAnswer, new Kernel(), new KernelArguments
        {
            ["audience"] = audience,
            ["passage_count"] = passages.Select(p => p.Number).Distinct().Count().ToString(CultureInfo.InvariantCulture),
            ["abstain_token"] = AbstainToken,
        }, cancellationToken);
        var input = await prompts.RenderAsync(AssistantPrompts.GroundedAnswerInput, new Kernel(), new KernelArguments
        {
            ["passages"] = listed.ToString().TrimEnd(),
            ["question"] = Quoted(question),
        }, cancellationToken);

        var written = (await model.CompleteAsync(instructions, input, config.DefaultExecutionSettings, cancellationToken)).Trim();
        if (written.Length == 0 || written.Contains(AbstainToken, StringComparison.Ordinal))
        {
            logger.LogInformation("The model found no answer in {Count} passages", passages.Count);
            return new GroundedAnswer(false, "", []);
        }

        var available = passages.Select(p => p.Number).ToHashSet();
        var invented = Citations.Numbers(written).Where(n => !available.Contains(n)).ToList();
        if (invented.Count > 0)
        {
            logger.LogWarning("Dropped citations the model invented: {Numbers}", string.Join(", ", invented));
        }

        var (text, kept) = Citations.Renumber(written, available);
        if (kept.Count == 0)
        {
            logger.LogWarning("The model's answer cited no retrieved passage; not shown as grounded");
            return new GroundedAnswer(false, "", []);
        }

        var cited = kept.Select((original, i) => passages.First(p => p.Number == original) with { Number = i + 1 }).ToList();
        return new GroundedAnswer(true, text, cited, Citations.KeepKnown(written, available));
    }

    /// <summary>Quoted text without the tags that delimit it in the user message, so it cannot close its block.</summary>
    internal static string Quoted(string text) => DelimiterTag().Replace(text, " ");

    [System.Text.RegularExpressions.GeneratedRegex(@"<\s*/?\s*(passages|question)\b[^>]*>", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex DelimiterTag();
}
