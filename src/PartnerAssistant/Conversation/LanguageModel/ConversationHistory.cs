using System.Text;
using Microsoft.ML.Tokenizers;

namespace PartnerAssistant.Conversation.LanguageModel;

/// <summary>One message of the remembered conversation: what the user said or what the assistant answered.</summary>
public sealed record HistoryMessage(string Role, string Text)
{
    public const string User = "user";
    public const string Assistant = "assistant";
}

/// <summary>
/// What the language model remembers of one person's turns in one conversation (<see cref="ConversationStore.LoadPersonalAsync{T}"/>):
/// the recent messages word for word, and a note summarising older ones. In a group chat each person has their
/// own, so one person's answers never become another's context. Tool calls are not kept; their results are
/// fetched again when needed, under the rights of the person asking then.
/// </summary>
public sealed class ConversationHistory
{
    /// <summary>Where earlier versions kept one history per conversation, shared by everyone in it; removed on sight.</summary>
    public const string SharedStateKey = "llm.history";
    private static readonly Lazy<Tokenizer> Tokens = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    public string? Summary { get; set; }

    public List<HistoryMessage> Messages { get; set; } = [];

    /// <summary>Approximate tokens of the summary and the messages (o200k_base, as GPT-4o counts them).</summary>
    public int TokenCount => CountTokens(Summary ?? "") + Messages.Sum(m => CountTokens(m.Text) + 4);

    public static int CountTokens(string text) => text.Length == 0 ? 0 : Tokens.Value.CountTokens(text);

    public void Add(string role, string text) => Messages.Add(new HistoryMessage(role, text));

    /// <summary>
    /// Folds the oldest messages into the summary until the history fits <paramref name="budget"/> tokens.
    /// <paramref name="summarize"/> writes the new note from the old note and the folded transcript; when it
    /// is null or fails, the folded messages are simply dropped. The latest exchange is always kept.
    /// </summary>
    public async Task FitAsync(int budget, Func<string?, string, CancellationToken, Task<string>>? summarize, CancellationToken cancellationToken)
    {
        while (TokenCount > budget && Messages.Count > 2)
        {
            // Fold about half of what is over, in whole messages, but always leave the last exchange.
            var fold = 0;
            var excess = TokenCount - budget / 2;
            for (var folded = 0; fold < Messages.Count - 2 && folded < excess; fold++)
            {
                folded += CountTokens(Messages[fold].Text) + 4;
            }

            var transcript = new StringBuilder();
            foreach (var message in Messages.Take(fold))
            {
                transcript.Append(message.Role == HistoryMessage.User ? "User: " : "Assistant: ").AppendLine(message.Text);
            }

            Messages.RemoveRange(0, fold);
            string? note = null;
            if (summarize is not null)
            {
                try
                {
                    note = (await summarize(Summary, transcript.ToString(), cancellationToken)).Trim();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    note = null;
                }
            }

            Summary = note is { Length: > 0 } ? note : Summary;
        }

        // A summary that alone outgrows a third of the budget is cut from its start: the newest notes matter most.
        var limit = budget / 3;
        if (Summary is { } summary && CountTokens(summary) > limit)
        {
            var words = summary.Split(' ');
            var keep = words.Length;
            while (keep > 1 && CountTokens(string.Join(' ', words[^keep..])) > limit)
            {
                keep = keep * 3 / 4;
            }

            Summary = "… " + string.Join(' ', words[^keep..]);
        }
    }
}
