# Builds and publishes the app; docker-compose.yml runs it against SQL Server.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props Omnichannel.Flows.sln ./
COPY src/ src/
RUN dotnet publish src/Omnichannel.Flows.Web/Omnichannel.Flows.Web.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "Omnichannel.Flows.Web.dll"]
