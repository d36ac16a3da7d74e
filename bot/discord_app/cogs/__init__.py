"""The bot's commands, one cog per area: questions, definitions, the knowledge base."""
