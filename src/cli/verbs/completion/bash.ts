import type { OptionSpec } from '../../options/option-spec.js';
import { optionFlags } from '../../options/option-spec.js';
import type { CompletionModel } from './model.js';
import { shQuote } from './model.js';

function entries(options: readonly OptionSpec[], value: (o: OptionSpec) => string | undefined): string {
  return options.flatMap((o) => {
    const v = value(o);
    return v === undefined ? [] : optionFlags(o).map((flag) => `[${flag}]=${shQuote(v)}`);
  }).join(' ');
}

/** A bash completion script: options anywhere, choices and file names for option values, verbs otherwise. */
export function bashCompletion(model: CompletionModel): string {
  const fn = `_${model.program.replace(/[^a-z0-9_]/gi, '_')}_completion`;
  const flags = model.options.flatMap(optionFlags);
  const valued = model.options.filter((o) => o.value === 'required').flatMap(optionFlags);
  return `# shellcheck shell=bash
# ${model.program} completion for bash, generated from mkb's settings table: eval "$(${model.program} completion bash)"

${fn}() {
    local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
    local -A choices=(${entries(model.options, (o) => o.choices?.filter((c) => c !== '').join(' '))})
    local -A compgen_kind=(${entries(model.options, (o) => o.complete)})
    local options=${shQuote(flags.join(' '))}
    local valued=${shQuote(` ${valued.join(' ')} `)}
    local verbs=${shQuote(model.verbs.join(' '))}

    if [[ -n "\${choices[$prev]+set}" ]]; then
        mapfile -t COMPREPLY < <(compgen -W "\${choices[$prev]}" -- "$cur")
        return
    fi
    case "\${compgen_kind[$prev]-}" in
        files) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
        dirs) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
    esac
    if [[ "$valued" == *" $prev "* ]]; then
        return
    fi
    if [[ "$cur" == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
        return
    fi
    local word
    for word in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
        [[ " $verbs " == *" $word "* ]] && { mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return; }
    done
    mapfile -t COMPREPLY < <(compgen -W "$verbs" -- "$cur")
}

complete -o filenames -F ${fn} ${model.program}
`;
}
