# Builds and publishes the app; docker-compose.yml runs it against SQL Server.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props Omnichannel.Flows.sln ./
COPY src/ src/
# Self-contained, the app and the framework precompiled together (see the web project): the runtime ships in /app.
RUN dotnet publish src/Omnichannel.Flows.Web/Omnichannel.Flows.Web.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080
# Runtime settings (environment only: the runtime reads no config file for these). Work comes in bursts (10,000 timers
# due at once, a webhook storm): hot code is recompiled optimized as soon as it runs, instead of after the start-up
# lull tiered compilation waits for, which a burst never leaves. bench/flow-timers.sh --smoke, side by side: 0.79x the CPU
# per fired timer, 0.89x the p99 lateness. The benchmarks launch the app with every DOTNET_ setting set here (bench/lib.sh).
ENV DOTNET_TC_AggressiveTiering=1
EXPOSE 8080
ENTRYPOINT ["./Omnichannel.Flows.Web"]
