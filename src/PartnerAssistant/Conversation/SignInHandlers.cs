using System.Text.Json.Nodes;
using BotFramework.Schema;

namespace PartnerAssistant.Conversation;

/// <summary>
/// <c>signin/verifyState</c>: Teams sends it when a sign-in pop-up finishes. The assistant has no OAuth
/// connection (it knows people from the directory by their Entra object id), so no sign-in it started
/// can be completed: answered 404, as the Bot Framework's OAuth prompt answers a state it cannot turn
/// into a token, rather than 501, which Teams reports to the user as a broken app.
/// </summary>
public sealed class SignInVerifyStateHandler : IInvokeHandler
{
    public string Name => "signin/verifyState";

    public Task<InvokeResponse> HandleAsync(AssistantTurn turn, AssistantBot bot, CancellationToken cancellationToken) =>
        Task.FromResult(new InvokeResponse(404));

    public InvokeResponse NotRegistered(Activity activity) => new(404);
}

/// <summary>
/// <c>signin/tokenExchange</c>: Teams offers an SSO token for the bot to exchange. With no SSO connection
/// configured it cannot be exchanged: 412 Precondition Failed with the request's <c>id</c> and
/// <c>connectionName</c> and a <c>failureDetail</c>, which tells Teams to fall back to its ordinary sign-in.
/// </summary>
public sealed class SignInTokenExchangeHandler : IInvokeHandler
{
    public const string FailureDetail = "Single sign-on is not configured for this bot, so the token cannot be exchanged; use the regular sign-in.";

    public string Name => "signin/tokenExchange";

    public Task<InvokeResponse> HandleAsync(AssistantTurn turn, AssistantBot bot, CancellationToken cancellationToken) =>
        Task.FromResult(Refuse(turn.Activity));

    public InvokeResponse NotRegistered(Activity activity) => Refuse(activity);

    private static InvokeResponse Refuse(Activity activity) =>
        activity.Value is not JsonObject value || value.IsNotText("id") || value.IsNotText("connectionName")
            ? InvokeResponse.BadRequest("A signin/tokenExchange value is an object with 'id', 'connectionName' and 'token' as text.")
            : new(412, new JsonObject
            {
                ["id"] = value.Field("id").Text(),
                ["connectionName"] = value.Field("connectionName").Text(),
                ["failureDetail"] = FailureDetail,
            });
}
