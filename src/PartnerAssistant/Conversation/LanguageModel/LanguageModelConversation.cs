using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using PartnerAssistant.Conversation.Routing;
using PartnerAssistant.People;

namespace PartnerAssistant.Conversation.LanguageModel;

/// <summary>Why the language model gave no answer; the bot then falls back to the offline router.</summary>
public enum LanguageModelProblem
{
    /// <summary>Rate limited (429) after the bounded retries.</summary>
    Busy,

    /// <summary>Timed out, unreachable, or answered with an error.</summary>
    Unavailable,
}

/// <summary>The model's reply for a turn, or why there is none.</summary>
public sealed record LanguageModelOutcome(AssistantReply? Reply, LanguageModelProblem? Problem)
{
    public const string BusyMessage = "The assistant's language model is busy right now; try again in a minute.";
    public const string UnavailableMessage = "The assistant's language model isn't answering right now.";
}

/// <summary>
/// A free-text turn answered by the chat model with automatic function calling over every registered
/// plugin the caller's role may use: the system prompt from <c>prompts/assistant/system.yaml</c>, the
/// conversation's remembered history, the user's message, and Semantic Kernel's tool loop, with
/// <see cref="ToolCallGuard"/> on every call. Only built when <c>AzureOpenAI:Endpoint</c> is set.
/// </summary>
public sealed class LanguageModelConversation(
    ChatModel model,
    AssistantPrompts prompts,
    PluginCatalog plugins,
    IntentCatalog intents,
    ToolCallGuard guard,
    IOptions<AzureOpenAIOptions> options,
    TimeProvider time,
    ILogger<LanguageModelConversation> logger)
{
    private const int MaxCards = 4;

    public TimeSpan AcknowledgeAfter => options.Value.AcknowledgeAfter;

    public async Task<LanguageModelOutcome> RespondAsync(AssistantTurn turn, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        var scope = new LanguageModelTurn();
        var kernel = plugins.CreateKernel(turn);
        kernel.Data[LanguageModelTurn.KernelDataKey] = scope;
        kernel.FunctionInvocationFilters.Add(guard);
        kernel.AutoFunctionInvocationFilters.Add(guard);

        var history = ConversationHistory.Load(turn.State);
        try
        {
            var chat = await BuildChatAsync(turn, kernel, history, timeout.Token);
            var execution = model.Settings(prompts[AssistantPrompts.SystemPrompt].DefaultExecutionSettings);
            var functions = AllowedFunctions(turn.Caller);
            if (functions.Count > 0)
            {
                // An empty tool list is an invalid request, so a role with no functions simply chats.
                execution.FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(functions);
            }

            var answer = await model.Service.GetChatMessageContentAsync(chat, execution, kernel, timeout.Token);
            var reply = Compose(answer, scope);
            logger.LogInformation("Language model answered {Person} after {ToolCalls} tool calls: {Calls}",
                turn.Caller.Person.Id, scope.ToolCalls, string.Join("; ", scope.Calls.Select(c => $"{c.Function} {c.Outcome}")));

            history.Add(HistoryMessage.User, turn.Utterance);
            history.Add(HistoryMessage.Assistant, reply.Text);
            await history.FitAsync(settings.HistoryTokenBudget, SummarizeAsync, timeout.Token);
            history.Save(turn.State);
            return new LanguageModelOutcome(reply, null);
        }
        catch (HttpOperationException ex) when (ex.StatusCode == HttpStatusCode.TooManyRequests)
        {
            logger.LogWarning("The language model is rate limited after {Retries} retries", settings.MaxRetries);
            return new LanguageModelOutcome(null, LanguageModelProblem.Busy);
        }
        catch (HttpOperationException ex)
        {
            logger.LogError(ex, "The language model failed with {Status}", ex.StatusCode);
            return new LanguageModelOutcome(null, LanguageModelProblem.Unavailable);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The language model took longer than {Timeout}", settings.Timeout);
            return new LanguageModelOutcome(null, LanguageModelProblem.Unavailable);
        }
    }

    private async Task<ChatHistory> BuildChatAsync(AssistantTurn turn, Kernel kernel, ConversationHistory history, CancellationToken cancellationToken)
    {
        var caller = turn.Caller;
        var system = await prompts.RenderAsync(AssistantPrompts.SystemPrompt, kernel, new KernelArguments
        {
            ["caller_name"] = caller.Person.DisplayName,
            ["caller_role"] = Article(caller.Role.Describe()),
            ["organisation"] = caller.Organisation.Name,
            ["today"] = time.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }, cancellationToken);

        var chat = new ChatHistory();
        chat.AddSystemMessage(system);
        if (history.Summary is { Length: > 0 } summary)
        {
            // The note is written from users' words, so it stays out of the system role.
            chat.AddAssistantMessage("Notes on the earlier part of this conversation: " + summary);
        }

        foreach (var message in history.Messages)
        {
            if (message.Role == HistoryMessage.User)
            {
                chat.AddUserMessage(message.Text);
            }
            else
            {
                chat.AddAssistantMessage(message.Text);
            }
        }

        chat.AddUserMessage(turn.Utterance);
        return chat;
    }

    /// <summary>The functions advertised to the model: those with an intent the caller's role may use.</summary>
    private List<KernelFunction> AllowedFunctions(Caller caller) =>
        intents.For(caller.Role)
            .Select(intent => plugins.TryGetFunction(intent.Id, out var function) ? function : null)
            .OfType<KernelFunction>()
            .ToList();

    private static AssistantReply Compose(ChatMessageContent answer, LanguageModelTurn scope)
    {
        var text = answer.Role == AuthorRole.Assistant ? answer.Content ?? "" : "";
        if (string.IsNullOrWhiteSpace(text))
        {
            // The loop stopped at the call limit (or the model said nothing): show what the tools found.
            text = scope.ToolReplies.LastOrDefault()?.Text ?? "Sorry, I couldn't work that out. Could you put it another way?";
        }

        text = Citations.KeepKnown(text, scope.CitationNumbers);
        var reply = AssistantReply.Say(text) with
        {
            Cards = scope.ToolReplies.SelectMany(r => r.Cards).Take(MaxCards).ToList(),
            Suggestions = scope.ToolReplies.LastOrDefault(r => r.Suggestions.Count > 0)?.Suggestions ?? [],
            Confirmation = scope.Confirmation,
        };
        return reply;
    }

    private async Task<string> SummarizeAsync(string? previous, string transcript, CancellationToken cancellationToken)
    {
        var config = prompts[AssistantPrompts.SummarizeHistory];
        var prompt = await prompts.RenderAsync(AssistantPrompts.SummarizeHistory, new Kernel(), new KernelArguments
        {
            ["transcript"] = transcript,
            ["previous_summary"] = previous is null ? "" : "Notes so far: " + previous,
        }, cancellationToken);
        return await model.CompleteAsync("You write short, factual notes.", prompt, config.DefaultExecutionSettings, cancellationToken);
    }

    private static string Article(string noun) => ("aeiou".Contains(char.ToLowerInvariant(noun[0])) ? "an " : "a ") + noun;
}
