/**
 * The scripts `ferry completion <shell>` prints. Each asks `ferry __complete` with the words
 * typed so far and falls back to file names when it has no answer (paths, @file.json values).
 */
export const COMPLETION_SCRIPTS: Record<string, string> = {
    bash: `# ferry completion for bash: source <(ferry completion bash)
_ferry_complete() {
    local cur="\${COMP_WORDS[COMP_CWORD]}"
    local IFS=$'\\n'
    local answers
    answers=($(ferry __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
    if [ \${#answers[@]} -eq 0 ]; then
        COMPREPLY=($(compgen -f -- "$cur"))
    else
        COMPREPLY=("\${answers[@]}")
    fi
}
complete -o filenames -F _ferry_complete ferry
`,
    zsh: `#compdef ferry
# ferry completion for zsh: source <(ferry completion zsh)
_ferry() {
    local -a answers
    answers=("\${(@f)$(ferry __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
    if [[ -z "\${answers[*]}" ]]; then
        _files
    else
        compadd -a answers
    fi
}
if (( $+functions[compdef] )); then
    compdef _ferry ferry
else
    autoload -Uz compinit && compinit && compdef _ferry ferry
fi
`,
    fish: `# ferry completion for fish: ferry completion fish > ~/.config/fish/completions/ferry.fish
function __ferry_complete
    set -l words (commandline -opc) (commandline -ct)
    ferry __complete $words[2..-1] 2>/dev/null
end
complete -c ferry -f -a '(__ferry_complete)'
`
};
