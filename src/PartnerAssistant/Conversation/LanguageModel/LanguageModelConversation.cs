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
/// A free-text turn answered by the chat model, calling plugin functions the caller's role may use: the system
/// prompt from <c>prompts/assistant/system.yaml</c>, the person's own history in this conversation, their message,
/// and a tool loop this class runs itself (Semantic Kernel only parses the model's tool calls), so that every
/// model request and every tool call — of a function that exists or not — counts toward the turn's cap. Each call
/// of an offered function passes <see cref="ToolCallGuard"/>. Any failure of the endpoint (an error status after
/// the bounded retries, a timeout, a closed connection, a body that is not a completion) ends the turn as
/// <see cref="LanguageModelProblem.Unavailable"/> or <see cref="LanguageModelProblem.Busy"/>, never as an error.
/// Only built when <c>AzureOpenAI:Endpoint</c> is set.
/// </summary>
public sealed class LanguageModelConversation(
    ChatModel model,
    AssistantPrompts prompts,
    PluginCatalog plugins,
    IntentCatalog intents,
    ToolCallGuard guard,
    ConversationStore store,
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

        // One history per person in a conversation; the shared one of earlier versions goes.
        turn.State.Values.Remove(ConversationHistory.SharedStateKey);
        var person = turn.Caller.Person.Id;
        try
        {
            var history = await store.LoadPersonalAsync<ConversationHistory>(turn.ConversationKey, person, timeout.Token);
            var chat = await BuildChatAsync(turn, kernel, history, timeout.Token);
            var execution = model.Settings(prompts[AssistantPrompts.SystemPrompt].DefaultExecutionSettings);
            var offered = OfferedFunctions(turn.Caller);
            if (offered.Count > 0)
            {
                // An empty tool list is an invalid request, so a role with no functions simply chats. The loop below
                // invokes the calls, so nothing the model names runs without being counted first.
                execution.FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(offered.Values, autoInvoke: false);
            }

            ChatMessageContent? answer = null;
            while (!scope.LimitReached)
            {
                scope.ModelRequests++;
                try
                {
                    answer = await model.Service.GetChatMessageContentAsync(chat, execution, kernel, timeout.Token);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && Problem(ex) is { } problem)
                {
                    LogProblem(ex, problem, scope);
                    return new LanguageModelOutcome(null, problem);
                }

                var calls = FunctionCallContent.GetFunctionCalls(answer).ToList();
                if (calls.Count == 0)
                {
                    break;
                }

                chat.Add(answer);
                foreach (var call in calls)
                {
                    chat.Add(new FunctionResultContent(call, await CallAsync(call, offered, scope, kernel, timeout.Token)).ToChatMessage());
                }

                // At the cap the turn ends on what the tools returned: no further request, whatever the model wants.
                answer = scope.LimitReached ? null : answer;
            }

            logger.LogInformation("Language model turn of {Person}: {Requests} requests, {ToolCalls} tool calls: {Calls}",
                person, scope.ModelRequests, scope.ToolCalls, string.Join("; ", scope.Calls.Select(c => $"{c.Function} {c.Outcome}")));
            if (Compose(answer, scope) is not { } reply)
            {
                return new LanguageModelOutcome(null, LanguageModelProblem.Unavailable);
            }

            history.Add(HistoryMessage.User, turn.Utterance);
            history.Add(HistoryMessage.Assistant, reply.Text);
            await history.FitAsync(settings.HistoryTokenBudget, SummarizeAsync, timeout.Token);
            await store.SavePersonalAsync(turn.ConversationKey, person, history, timeout.Token);
            return new LanguageModelOutcome(reply, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The language model took longer than {Timeout}", settings.Timeout);
            return new LanguageModelOutcome(null, LanguageModelProblem.Unavailable);
        }
    }

    /// <summary>What a failed request means for the person: busy (rate limited after the retries) or not answering
    /// (anything else the endpoint or its client did: error statuses, timeouts, closed connections, bodies that are
    /// cut off, HTML, empty or without a choice).</summary>
    private static LanguageModelProblem? Problem(Exception ex) => ex switch
    {
        HttpOperationException { StatusCode: HttpStatusCode.TooManyRequests } => LanguageModelProblem.Busy,
        System.ClientModel.ClientResultException { Status: 429 } => LanguageModelProblem.Busy,
        _ => LanguageModelProblem.Unavailable,
    };

    private void LogProblem(Exception ex, LanguageModelProblem problem, LanguageModelTurn scope)
    {
        if (problem == LanguageModelProblem.Busy)
        {
            logger.LogWarning("The language model is rate limited after {Retries} retries (request {Request})", options.Value.MaxRetries, scope.ModelRequests);
        }
        else if (ex is OperationCanceledException)
        {
            logger.LogWarning("The language model took longer than {Timeout} (request {Request})", options.Value.Timeout, scope.ModelRequests);
        }
        else
        {
            logger.LogError(ex, "The language model did not answer request {Request}: {Kind}", scope.ModelRequests, ex.GetType().Name);
        }
    }

    /// <summary>One tool call: counted, then refused (past the cap, not offered, arguments not JSON) or run through the guard.</summary>
    private async Task<string> CallAsync(FunctionCallContent call, IReadOnlyDictionary<string, KernelFunction> offered, LanguageModelTurn scope, Kernel kernel, CancellationToken cancellationToken)
    {
        var name = call.PluginName is { Length: > 0 } plugin ? $"{plugin}.{call.FunctionName}" : call.FunctionName;
        scope.ToolCalls++;
        if (scope.ToolCalls > options.Value.MaxToolCallsPerTurn)
        {
            scope.LimitReached = true;
            scope.Calls.Add((name, "refused: limit"));
            return "Refused: the limit of tool calls for one turn is reached. Answer with what you have.";
        }

        if (!offered.TryGetValue(name, out var function))
        {
            logger.LogWarning("The model called {Function}, which it was not offered", name);
            scope.Calls.Add((name, "refused: not offered"));
            return "Refused: that function is not available.";
        }

        if (call.Exception is not null)
        {
            scope.Calls.Add((name, "refused: arguments"));
            return "Refused: the arguments were not a valid JSON object.";
        }

        try
        {
            var result = await function.InvokeAsync(kernel, call.Arguments ?? [], cancellationToken);
            return result.GetValue<object>()?.ToString() ?? "";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "{Function} failed on the model's call", name);
            scope.Calls.Add((name, "failed"));
            return "Error: that function failed. Do not retry it; tell the user it did not work.";
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

    /// <summary>The functions advertised to the model, by the name its calls use (<c>Plugin.Function</c>): those with an
    /// intent the caller's role may use, except those only the person's own action may run.</summary>
    private Dictionary<string, KernelFunction> OfferedFunctions(Caller caller)
    {
        var offered = new Dictionary<string, KernelFunction>(StringComparer.Ordinal);
        foreach (var intent in intents.For(caller.Role))
        {
            if (plugins.TryGetFunction(intent.Id, out var function) && !ToolCallGuard.IsPersonOnly(function))
            {
                offered[intent.Id] = function;
            }
        }

        return offered;
    }

    /// <summary>
    /// What the person sees. With a write waiting for their yes, the plugin's own account of it (and the card built
    /// from the stored arguments) — the model's prose is not shown, so it cannot misdescribe the write. Otherwise the
    /// model's text with unknown citations dropped and images, raw HTML and links to other hosts removed, or, when the
    /// loop stopped at the cap, what the tools returned. Null when there is nothing to show.
    /// </summary>
    private AssistantReply? Compose(ChatMessageContent? answer, LanguageModelTurn scope)
    {
        var cards = scope.ToolReplies.SelectMany(r => r.Cards).Take(MaxCards).ToList();
        if (scope.Confirmation is { } confirmation)
        {
            return new AssistantReply(scope.ConfirmationText ?? "Please check what will be written, then confirm or cancel on the card.")
            {
                Cards = cards,
                Confirmation = confirmation,
            };
        }

        var text = answer?.Role == AuthorRole.Assistant ? answer.Content ?? "" : "";
        if (string.IsNullOrWhiteSpace(text))
        {
            // The loop stopped at the call limit (or the model said nothing): show what the tools found, if anything.
            text = scope.ToolReplies.LastOrDefault()?.Text;
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }
        }
        else
        {
            var allowed = options.Value.EffectiveLinkHosts;
            // Sanitised first: dropping a citation tidies spaces before punctuation, which would glue "see ![x]" together.
            text = Citations.KeepKnown(SafeMarkdown.Sanitize(text, host => SafeMarkdown.HostIn(host, allowed)), scope.CitationNumbers);
        }

        return AssistantReply.Say(text) with
        {
            Cards = cards,
            Suggestions = scope.ToolReplies.LastOrDefault(r => r.Suggestions.Count > 0)?.Suggestions ?? [],
        };
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
