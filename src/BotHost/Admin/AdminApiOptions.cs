using BotFramework;
using Microsoft.Extensions.Options;

namespace BotHost.Admin;

/// <summary>
/// Who the admin API and the dashboard accept tokens for, under the section <c>AdminApi</c>. Their
/// tokens are Entra ID tokens of the bot's tenant for an audience of their own, never the bot's app id,
/// so a token for the admin API is refused on <c>/api/messages</c> and a channel's token is refused here.
/// </summary>
public sealed class AdminApiOptions
{
    public const string SectionName = "AdminApi";

    /// <summary>The audiences (the admin app registration's client id and/or its application ID URI)
    /// whose tokens the admin API and dashboard accept. Default: none, so outside local development
    /// mode the admin API answers 401 until one is set. Must not be the bot's app id.</summary>
    public string[] Audiences { get; set; } = [];
}

/// <summary>Refuses, at start-up, an admin audience that is also the bot's (the two must never share tokens).</summary>
public sealed class AdminApiOptionsValidator(IOptions<BotOptions> bot) : IValidateOptions<AdminApiOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminApiOptions options)
    {
        var appId = bot.Value.MicrosoftAppId;
        if (string.IsNullOrWhiteSpace(appId))
        {
            return ValidateOptionsResult.Success;
        }

        var shared = options.Audiences.FirstOrDefault(a =>
            string.Equals(a, appId, StringComparison.OrdinalIgnoreCase) || string.Equals(a, $"api://{appId}", StringComparison.OrdinalIgnoreCase));
        return shared is null
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"AdminApi:Audiences must not contain the bot's app id ({shared}): admin tokens need an audience of their own, so that /api/messages refuses them.");
    }
}
