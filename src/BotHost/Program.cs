using BotHost.Cli;

// No arguments: serve Bot Framework traffic. Otherwise an admin command (`--help` lists them).
return await AdminCommandLine.Create().Parse(args).InvokeAsync();
