module kolosal.ai/kolosal

go 1.19
